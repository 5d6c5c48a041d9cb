"""deploy/kubernetes/ validated offline against the Kubernetes schemas, and kept in step with the server."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from entitylinker_client import SERVICE_CONFIG

from server.settings import parse_settings
from tests.conftest import ROOT

MANIFESTS = sorted((ROOT / "deploy" / "kubernetes").glob("*.yaml"))


def _documents() -> list[tuple[Path, dict[str, Any]]]:
    return [(path, doc) for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc]


def _one(kind: str) -> dict[str, Any]:
    [doc] = [doc for _, doc in _documents() if doc["kind"] == kind]
    return doc


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_every_manifest_is_valid_kubernetes(path: Path) -> None:
    for doc in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def test_the_deployment_description_is_complete() -> None:
    kinds = sorted(doc["kind"] for _, doc in _documents())
    assert kinds == [
        "ConfigMap",
        "CronJob",
        "Deployment",
        "HorizontalPodAutoscaler",
        "PersistentVolumeClaim",
        "PodDisruptionBudget",
        "Service",
        "Service",
    ]
    services = {doc["metadata"]["name"]: doc["spec"] for _, doc in _documents() if doc["kind"] == "Service"}
    assert services["entitylinker-headless"]["clusterIP"] == "None"
    assert services["entitylinker"]["type"] == "ClusterIP"


def test_the_server_container_is_probed_locked_down_and_secured() -> None:
    pod = _one("Deployment")["spec"]["template"]["spec"]
    [server] = pod["containers"]
    settings = parse_settings(server["args"])  # every flag is one the server knows
    assert settings.tls_cert and settings.tls_key and settings.auth_tokens_file and settings.watch_seconds > 0
    assert settings.health_port is not None and settings.metrics_port is not None and settings.access_log
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert server[probe]["grpc"]["port"] == settings.health_port
    assert pod["securityContext"]["runAsNonRoot"] and server["securityContext"]["readOnlyRootFilesystem"]
    assert server["resources"]["requests"] and server["resources"]["limits"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in server["volumeMounts"]}
    runtime = next(e["value"] for e in server["env"] if e["name"] == "ENTITYLINKER_RUNTIME_DIR")
    assert "emptyDir" in volumes[mounts[runtime]]
    secrets = {v["secret"]["secretName"] for v in volumes.values() if "secret" in v}
    assert secrets == {"entitylinker-tls", "entitylinker-tokens"}
    for path in (settings.tls_cert, settings.auth_tokens_file):
        assert "secret" in volumes[mounts[str(path.parent)]]
    gazetteer = volumes[mounts[str(settings.gazetteer.parent)]]
    cron = _one("CronJob")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    [cron_volume] = [v for v in cron["volumes"] if "persistentVolumeClaim" in v]
    assert gazetteer["persistentVolumeClaim"] == cron_volume["persistentVolumeClaim"]
    assert str(settings.gazetteer) in cron["containers"][0]["command"]


def test_the_manifests_ship_the_client_service_config() -> None:
    shipped = json.loads(_one("ConfigMap")["data"]["service_config.json"])
    assert shipped == json.loads(SERVICE_CONFIG)


def test_the_dockerfile_is_multi_stage_non_root_with_the_compiled_core() -> None:
    """Docker is not run here (no daemon in CI); what can be checked without it is."""
    text = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.MULTILINE)) == 2
    assert re.search(r"^RUN make .*\bnative\b", text, re.MULTILINE)
    assert re.search(r"^COPY --from=build /src/\.native \.native$", text, re.MULTILINE)
    assert re.search(r"^USER 10001", text, re.MULTILINE) and 'VOLUME ["/data"]' in text
    command = json.loads(re.search(r"^CMD (.*)$", text, re.MULTILINE).group(1))  # type: ignore[union-attr]
    parse_settings(command)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and ".native" in ignored  # the image compiles its own, for its own interpreter
