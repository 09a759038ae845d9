# Two commands for a newcomer: `make run` and `make test`. See README.md.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv demo lint check-deploy messages vendor clean

$(STAMP): pyproject.toml
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

venv: $(STAMP)

## Set up, migrate, load the demo province, start the web server and a task worker.
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

## Set up the same environment and run the whole suite (SQLite unless DATABASE_URL is set).
test: venv
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check src bench
	# Medium and high findings fail; reviewed false positives carry "# nosec BXXX — reason".
	$(VENV)/bin/bandit -q -r src -ll -x '*/tests/*'

check-deploy: venv
	DJANGO_ENV=production DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) DJANGO_ALLOWED_HOSTS=example.gov.vn \
		$(PY) manage.py check --deploy --fail-level WARNING

messages: venv
	cd src/chinhquyenso && ../../$(PY) ../../manage.py makemessages -l en --ignore 'tests/*' && ../../$(PY) ../../manage.py compilemessages

clean:
	rm -rf $(VENV) db.sqlite3 media
