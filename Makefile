.PHONY: run test stop bench drill

run:   ## Hela systemet med demodata: webb, worker och beat
	bash scripts/run.sh

test:  ## Hela testsviten mot riktig PostgreSQL, Redis, Celery och Chromium
	bash scripts/test.sh $(ARGS)

bench: ## Rollup, placeringsimport, sidor och rapporter (tider och kvoter mot referenser), sedan locust: 50 användare i 60 s; ARGS="--scale national" för nationell skala
	bash scripts/bench.sh $(ARGS)

drill: ## E-tjänstövning: 8 klienter, 9 000 anmälningar mot webb och worker som i make run; inga 5xx
	bash scripts/drill.sh $(ARGS)

stop:  ## Stoppar den här utcheckningens PostgreSQL och Redis (via .local/), aldrig en annan utchecknings
	bash -c 'source scripts/services.sh && stop_services'
