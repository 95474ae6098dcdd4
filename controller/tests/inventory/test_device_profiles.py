"""The device profiles of roles/unibos (unibos_device, unibos_device_profiles): the rule
that names a host's device from its memory and architecture, and the roles' variables
that take their defaults from the profile, templated by Ansible's own Templar as a play
would."""

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader
from ansible.template import Templar, trust_as_template
from unibos_controller.fleet.runs import REPO_ROOT

# The lookups the roles' defaults use (ansible.builtin.vars) load as in a play.
init_plugin_loader()

UNITS = {"hub", "beat", "flower", "node", "sync", "node_worker", "worker"}


def loaded(role, kind="defaults"):
    return yaml.safe_load((REPO_ROOT / "roles" / role / kind / "main.yml").read_text())


def trusted(variables):
    return {k: trust_as_template(v) if isinstance(v, str) else v for k, v in variables.items()}


def templated(expression, **variables):
    names = {
        **trusted(loaded("unibos")), **trusted(loaded("node")), **trusted(loaded("node", "vars")),
        **trusted(loaded("hub")), **trusted(loaded("celery_worker")),
        **trusted(loaded("celery_worker", "vars")), "ansible_facts": {}, **variables,
    }  # fmt: skip
    return Templar(loader=DataLoader(), variables=names).template(trust_as_template(expression))


@pytest.mark.parametrize(
    ("memtotal_mb", "architecture", "device"),
    [
        (427, "aarch64", "pi-zero-2w"),
        (3793, "aarch64", "pi4"),
        (7941, "aarch64", "pi5"),
        (920, "armv7l", "pi-zero-2w"),
        (1870, "armv7l", "pi4"),
        (480, "x86_64", "pi-zero-2w"),
        (7800, "x86_64", "desktop"),
        (64000, "x86_64", "server"),
    ],
)
def test_a_hosts_device_follows_from_its_memory_and_architecture(memtotal_mb, architecture, device):
    facts = {"memtotal_mb": memtotal_mb, "architecture": architecture}
    assert templated("{{ unibos_device }}", ansible_facts=facts) == device
    # The same from host variables, as an inventory gives them to a play without facts.
    as_host_vars = {"ansible_memtotal_mb": memtotal_mb, "ansible_architecture": architecture}
    assert templated("{{ unibos_device }}", **as_host_vars) == device


def test_a_host_without_facts_has_no_device_until_they_are_gathered():
    assert templated("{{ unibos_device }}") == ""
    assert templated("{{ unibos_device_profile }}") == {}


def test_every_profile_sets_every_setting():
    profiles = loaded("unibos")["unibos_device_profiles"]
    assert list(profiles) == ["pi-zero-2w", "pi4", "pi5", "desktop", "server", "gpu-server"]
    worker_types = set(loaded("unibos")["unibos_worker_types"])
    for name, profile in profiles.items():
        assert set(profile) == {
            "memory_mb", "hub", "worker_types", "gunicorn", "worker_concurrency",
            "node_worker_pool", "node_sync_in_worker", "malloc_arena_max", "memory",
        }, name  # fmt: skip
        assert set(profile["gunicorn"]) == {"hub", "node"}, name
        assert set(profile["worker_concurrency"]) == worker_types | {"node"}, name
        assert set(profile["memory"]) == UNITS, name
        for unit, bounds in profile["memory"].items():
            assert 0 < bounds["high"] <= bounds["max"], (name, unit)
        assert profile["node_worker_pool"] in ("prefork", "threads"), name
        assert isinstance(profile["node_sync_in_worker"], bool), name


def test_a_pi_zero_runs_no_hub_and_only_the_core_worker():
    zero = loaded("unibos")["unibos_device_profiles"]["pi-zero-2w"]
    assert (zero["memory_mb"], zero["hub"], zero["worker_types"]) == (512, False, ["core"])


@pytest.mark.parametrize(
    ("device", "expression", "value"),
    [
        ("pi-zero-2w", "{{ node_gunicorn_workers }} {{ node_gunicorn_threads }}", "1 4"),
        ("pi-zero-2w", "{{ node_worker_pool }} {{ node_worker_concurrency }}", "threads 1"),
        ("pi-zero-2w", "{{ node_memory_high }}/{{ node_memory_max }}", "128/192"),
        ("pi-zero-2w", "{{ node_malloc_arena_max }}", "2"),
        ("pi-zero-2w", "{{ node_sync_in_worker }}", "True"),
        ("pi4", "{{ node_sync_in_worker }}", "False"),
        ("desktop", "{{ node_gunicorn_workers }} {{ node_gunicorn_threads }}", "2 1"),
        ("desktop", "{{ node_worker_pool }}", "prefork"),
        ("server", "{{ hub_gunicorn_workers }} {{ hub_gunicorn_threads }}", "4 1"),
        ("server", "{{ celery_worker_memory_high }}/{{ celery_worker_memory_max }}", "4096/6144"),
        ("pi4", "{{ hub_beat_memory_high }}/{{ hub_beat_memory_max }}", "128/192"),
    ],
)
def test_the_roles_variables_default_to_the_devices_profile(device, expression, value):
    assert str(templated(expression, unibos_device=device)) == value


def test_an_inventory_overrides_one_value_of_the_profile():
    zero = {"unibos_device": "pi-zero-2w", "node_gunicorn_workers": 3}
    assert templated("{{ node_gunicorn_workers }}", **zero) == 3
    assert templated("{{ node_gunicorn_threads }}", **zero) == 4


def test_a_worker_types_pool_size_is_the_devices_unless_the_inventory_sets_it():
    concurrency = "{{ __celery_worker_concurrency }}"
    ocr_on_a_server = {"unibos_device": "server", "celery_worker_type": "ocr"}
    assert templated(concurrency, **ocr_on_a_server) == 2
    assert templated(concurrency, **ocr_on_a_server, worker_ocr_concurrency=8) == 8


def test_the_node_part_of_a_host_may_take_another_devices_profile():
    # molecule/default: a desktop host whose node runs as on a Pi Zero 2 W.
    colocated = {"unibos_device": "desktop", "node_device": "pi-zero-2w"}
    assert templated("{{ node_gunicorn_workers }}", **colocated) == 1
    assert templated("{{ hub_gunicorn_workers }}", **colocated) == 2
