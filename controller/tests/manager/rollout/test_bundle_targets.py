"""Which bundle a host takes, decided in one place (roles/unibos: unibos_bundle_targets,
unibos_bundle_arch) and turned into its path by the app role's default app_bundle: the
role defaults templated by Ansible's own Templar, as a play would, for hosts of each kind."""

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
from unibos_controller.fleet.runs import REPO_ROOT


def defaults(role):
    """The role's defaults, trusted as templates as Ansible trusts a role's own files."""
    loaded = yaml.safe_load((REPO_ROOT / "roles" / role / "defaults" / "main.yml").read_text())
    return {
        name: trust_as_template(value) if isinstance(value, str) else value
        for name, value in loaded.items()
    }


def templated(expression, groups, architecture="x86_64", **variables):
    names = {**defaults("unibos"), **defaults("app"), "group_names": groups,
             "ansible_facts": {"architecture": architecture}, **variables}  # fmt: skip
    return Templar(loader=DataLoader(), variables=names).template(trust_as_template(expression))


@pytest.mark.parametrize(
    ("groups", "targets"),
    [
        # A colocated host (the dev host, Molecule's) takes the hub bundle.
        (["etcd", "patroni", "hub", "flower", "node", "worker_core", "worker_ocr"], ["hub"]),
        (["hub"], ["hub"]),
        (["node", "worker_ocr"], ["node", "worker-ocr"]),
        (["worker_core", "worker_media"], ["worker-core", "worker-media"]),
        (["worker_ocr"], ["worker-ocr"]),
        (["etcd", "redis"], []),
    ],
)
def test_a_host_takes_the_bundle_of_its_groups_a_hub_the_hub_one(groups, targets):
    assert templated("{{ unibos_bundle_targets }}", groups) == targets


@pytest.mark.parametrize(
    ("groups", "architecture", "bundle"),
    [
        (["hub", "node", "worker_core"], "x86_64", "/b/hub/unibos-hub-v1.2.3-amd64.tar.gz"),
        (["node", "worker_ocr"], "aarch64", "/b/node/unibos-node-v1.2.3-arm64.tar.gz"),
        (["worker_media"], "x86_64", "/b/worker-media/unibos-worker-media-v1.2.3-amd64.tar.gz"),
    ],
)
def test_given_a_version_the_app_role_installs_the_hosts_own_bundle_of_it(
    groups, architecture, bundle
):
    assert (
        templated(
            "{{ app_bundle }}",
            groups,
            architecture,
            app_bundle_version="1.2.3",
            app_bundle_dir="/b",
        )
        == bundle
    )


def test_without_a_version_no_bundle_the_wheelhouse():
    assert templated("{{ app_bundle }}", ["hub"], app_bundle_dir="/b") == ""
