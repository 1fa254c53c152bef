.PHONY: run test stop bench

run:   ## Hela systemet med demodata: webb, worker och beat
	bash scripts/run.sh

test:  ## Hela testsviten mot riktig PostgreSQL, Redis, Celery och Chromium
	bash scripts/test.sh $(ARGS)

bench: ## Rollup-benchmark: syntetisk storkommun i databasen ifo_bench, tider och kvoter mot referensen
	bash scripts/bench.sh $(ARGS)

stop:  ## Stoppar projektets PostgreSQL och Redis
	bash -c 'source scripts/services.sh && stop_services'
