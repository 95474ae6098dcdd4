# UNIBOS: `make up` brings up the Full Stack (Dev) host, `make test` runs every check.
# Both start from a fresh Debian 12 machine as root: scripts/host-setup installs what
# they need first.

SHELL := /bin/bash
VENV := $(CURDIR)/.venv
export PATH := $(VENV)/bin:$(PATH)
# Molecule and ansible-lint read ansible.cfg from here too.
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
HUB_URL := http://127.0.0.1:8000
NODE_URL := http://127.0.0.1:8001

.PHONY: up down test setup image image-arm64 wheelhouse vagrant-box vagrant-up vagrant-test vagrant-down lint test-app test-controller test-contract test-molecule test-molecule-default test-molecule-ha test-pi bench bench-failover bench-sync bench-tasks bench-node

up: setup image wheelhouse
	scripts/dev-host start
	ansible-playbook -i inventories/dev playbooks/site.yml
	@echo "UNIBOS is up: hub $(HUB_URL)/api/health  node $(NODE_URL)/api/health"

down:
	scripts/dev-host remove

test: setup image wheelhouse lint test-app test-controller test-contract test-molecule
	scripts/test-summary

setup:
	scripts/host-setup

image: setup
	scripts/base-image

# The arm64 (Raspberry Pi) image: debootstrap --foreign, the second stage under qemu-user.
image-arm64: setup
	scripts/base-image --arch arm64

wheelhouse: setup
	scripts/wheelhouse

# The Debian 12 Vagrant box (libvirt, QEMU), built locally and added to Vagrant: no box
# registry is reachable. The Vagrantfile's VMs boot it.
vagrant-box:
	scripts/vagrant-setup
	scripts/vagrant-box

# The Vagrantfile's VMs (a hub, two Pi-like nodes, a worker) under QEMU's emulation,
# provisioned with playbooks/site.yml; then provisioned again, which must change nothing
# on any host (scripts/vagrant-idempotence fails the target otherwise).
vagrant-up: vagrant-box wheelhouse
	vagrant up
	scripts/vagrant-idempotence

# The verify suite of molecule/default against those VMs, each VM's part of it
# (scripts/vagrant-test); after make vagrant-up.
vagrant-test:
	scripts/vagrant-test

vagrant-down:
	vagrant destroy -f

# lint-imports: the app's dependencies run one way (contracts in pyproject.toml); the
# import graph is quick to build afresh, so no cache is left in the tree.
lint: setup
	ruff check .
	ruff format --check .
	lint-imports --no-cache
	yamllint --strict .
	ansible-lint

test-app: setup
	rm -f .test-results/app.xml
	cd app && pytest --ignore=tests/contract --junitxml=$(CURDIR)/.test-results/app.xml

# Both APIs fuzzed by schemathesis from their own OpenAPI documents (app/tests/contract).
test-contract: setup
	rm -f .test-results/contract.xml
	# legacy: the JUnit dialect in which a test case may carry properties (its requests).
	cd app && pytest tests/contract -o junit_family=legacy \
		--junitxml=$(CURDIR)/.test-results/contract.xml

# The controller package's own tests: its kit's parts that need no servers, and
# unibos-manager's, which run ansible-runner against podman containers of the base image.
test-controller: setup image
	rm -f .test-results/controller.xml
	pytest controller/tests --junitxml=$(CURDIR)/.test-results/controller.xml

test-molecule: test-molecule-default test-molecule-ha

test-molecule-default: image wheelhouse
	rm -f .test-results/verify.xml
	molecule test

# The two hubs and the witness: steady state, then a hard kill of the primary hub.
test-molecule-ha: image wheelhouse
	rm -f .test-results/verify-ha*.xml
	molecule test -s ha

# A Raspberry Pi node with no network (molecule/pi): one arm64 container under qemu-user,
# `--network none`, installed from the arm64 node bundle (Debian packages included).
# Not part of `make test`: emulated, it does not fit CI's budget (README, Tests).
test-pi: image-arm64
	rm -f .test-results/verify-pi.xml
	molecule test -s pi

bench: setup image wheelhouse
	python3 bench/deploy.py

# Failover timings on the `ha` scenario's three containers (created if absent).
bench-failover: setup image wheelhouse
	python3 bench/failover.py --create

# Sync: routing decisions, hub switch, offline backlog replay, conflict rate (servers
# of its own; no containers).
bench-sync: setup
	python3 bench/sync.py

# Tasks: no-op round trip and throughput (UNIBOS path, bare Celery, bare Redis) and
# completion while workers are killed (a Redis of its own; no containers).
bench-tasks: setup
	python3 bench/tasks.py

# A Pi Zero 2 W node's processes (API, own worker with the sync agent) started here with
# the node's settings: RSS, PSS, USS and their pages as if alone (a Redis of its own; no
# containers). `--src DIR` measures another checkout's app to compare with.
bench-node: setup
	python3 bench/node_processes.py --rounds 3
