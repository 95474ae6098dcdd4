import pytest


@pytest.mark.urls("unibos.http.node.urls")
def test_the_node_describes_its_endpoints_in_openapi(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "UNIBOS node API"
    paths = document["paths"]
    assert sorted(paths) == [
        *("/api/auth/token", "/api/conflicts", "/api/conflicts/{conflict_id}/resolve"),
        *("/api/me", "/api/node", "/api/openapi.json", "/api/peers/heartbeat"),
        "/api/peers/operations",
        "/api/records/{collection}",
        "/api/records/{collection}/{record_id}",
        "/api/records/{collection}/{record_id}/documents/{field}",
    ]
    assert sorted(paths["/api/records/{collection}/{record_id}"]) == ["delete", "get", "patch"]
    assert list(paths["/api/auth/token"]) == ["post"]
    assert paths["/api/auth/token"]["post"]["security"] == []
    for path in ("/api/me", "/api/node"):
        assert paths[path]["get"]["security"] == [{"bearer": []}]
        assert set(paths[path]["get"]["responses"]) == {"200", "401", "403", "404", "405", "503"}
    for path in ("/api/peers/heartbeat", "/api/peers/operations"):
        peers = paths[path]["post"]
        assert peers["security"] == [{"bearer": []}]
        assert set(peers["responses"]) == {"200", "400", "401", "403", "404", "405", "413", "503"}
    ask = paths["/api/peers/operations"]["post"]["requestBody"]["content"]["application/json"]
    assert ask["schema"]["required"] == ["node_id", "name", "vector"]
    login = paths["/api/auth/token"]["post"]["requestBody"]["content"]["application/json"]
    assert login["schema"]["required"] == ["username", "password"]
