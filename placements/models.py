# Placeringar: vårdformer, utförare, avtal, priser och placeringar (kommer i nästa ärenden).
