# Budget, månadsfakta, bokslut och prognoser (kommer i nästa ärenden).
