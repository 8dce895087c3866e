"""A small client for Superset's REST API (standard library only), loopback addresses only."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlparse


class SupersetError(RuntimeError):
    pass


class SupersetClient:
    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        host = urlparse(base_url).hostname or ""
        if not (host.startswith("127.") or host in ("localhost", "::1")):
            raise ValueError(f"the BI test only talks to loopback addresses, not {host!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.token: str | None = None
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        req.add_header("Referer", self.base_url)
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                raw = resp.read()
                status = resp.status
        except urllib.error.HTTPError as err:
            raw, status = err.read(), err.code
        try:
            return status, json.loads(raw or b"null")
        except json.JSONDecodeError:
            return status, raw.decode(errors="replace")

    def call(
        self, method: str, path: str, body: Any = None, ok: tuple[int, ...] = (200, 201)
    ) -> Any:
        status, payload = self.request(method, path, body)
        if status not in ok:
            raise SupersetError(f"{method} {path} -> {status}: {str(payload)[:800]}")
        return payload

    def login(self, username: str, password: str) -> None:
        payload = self.call(
            "POST",
            "/api/v1/security/login",
            {"username": username, "password": password, "provider": "db", "refresh": True},
        )
        self.token = payload["access_token"]

    def create_database(self, name: str, sqlalchemy_uri: str) -> int:
        body = {
            "database_name": name,
            "sqlalchemy_uri": sqlalchemy_uri,
            "expose_in_sqllab": True,
            "allow_run_async": False,
            "extra": json.dumps({"engine_params": {"connect_args": {"read_only": True}}}),
        }
        return int(self.call("POST", "/api/v1/database/", body)["id"])

    def sql(self, database_id: int, sql: str, schema: str = "marts") -> tuple[int, Any]:
        """Run SQL Lab synchronously; returns (HTTP status, payload) without raising."""
        body = {
            "database_id": database_id,
            "sql": sql,
            "schema": schema,
            "runAsync": False,
            "queryLimit": 10000,
            "client_id": None,
        }
        return self.request("POST", "/api/v1/sqllab/execute/", body)

    def create_dataset(self, database_id: int, schema: str, table: str) -> int:
        body = {"database": database_id, "schema": schema, "table_name": table}
        status, payload = self.request("POST", "/api/v1/dataset/", body)
        if status in (200, 201):
            return int(payload["id"])
        listed = self.call("GET", "/api/v1/dataset/?q=(page_size:100)")
        for row in listed.get("result", []):  # already there (a re-run on the same metadata DB)
            if row.get("table_name") == table and row.get("schema") == schema:
                return int(row["id"])
        raise SupersetError(f"dataset {schema}.{table}: {status} {payload}")

    def create_chart(self, name: str, viz_type: str, dataset_id: int, params: dict) -> int:
        body = {
            "slice_name": name,
            "viz_type": viz_type,
            "datasource_id": dataset_id,
            "datasource_type": "table",
            "params": json.dumps(
                {**params, "viz_type": viz_type, "datasource": f"{dataset_id}__table"}
            ),
        }
        return int(self.call("POST", "/api/v1/chart/", body)["id"])

    def chart_data(self, dataset_id: int, metric: dict, where: str = "") -> list[dict]:
        """Superset's chart-data endpoint (what a chart runs), one metric, optional WHERE."""
        body = {
            "datasource": {"id": dataset_id, "type": "table"},
            "queries": [
                {
                    "metrics": [metric],
                    "columns": [],
                    "filters": [],
                    "extras": {"where": where},
                    "row_limit": 10,
                }
            ],
            "result_format": "json",
            "result_type": "full",
        }
        payload = self.call("POST", "/api/v1/chart/data", body)
        return payload["result"][0]["data"]

    def create_dashboard(self, title: str, slug: str, position: dict, chart_ids: list[int]) -> int:
        body = {
            "dashboard_title": title,
            "slug": slug,
            "published": True,
            "position_json": json.dumps(position),
        }
        dashboard_id = int(self.call("POST", "/api/v1/dashboard/", body)["id"])
        for chart_id in chart_ids:
            self.call("PUT", f"/api/v1/chart/{chart_id}", {"dashboards": [dashboard_id]})
        return dashboard_id
