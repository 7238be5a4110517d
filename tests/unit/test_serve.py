"""What ``python -m cpdata serve`` tells nginx (no nginx needed): websockets upgraded, sticky workers."""

from __future__ import annotations

from pathlib import Path

from cpdata.ops import cli, serve


def test_cookie_config_proxies_websockets_and_keeps_each_browser_on_its_worker():
    conf = serve.nginx_config([9001, 9002], ("127.0.0.1", 8080), Path("/run/x"))
    assert "listen 127.0.0.1:8080;" in conf
    assert "upstream worker1 { server 127.0.0.1:9001; }" in conf
    assert "upstream worker2 { server 127.0.0.1:9002; }" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf
    assert f"map $cookie_{serve.COOKIE} $worker" in conf and "default $new_worker;" in conf
    assert "50.00% worker1;" in conf and "* worker2;" in conf
    assert f'add_header Set-Cookie "{serve.COOKIE}=$worker;' in conf
    assert "proxy_pass http://$worker;" in conf
    assert f"client_max_body_size {serve.UPLOAD_LIMIT_MB}m;" in conf


def test_ip_hash_config_is_one_upstream():
    conf = serve.nginx_config([9001, 9002, 9003], ("0.0.0.0", 80), Path("/run/x"), sticky="ip")
    assert "ip_hash;" in conf and conf.count("server 127.0.0.1:") == 3
    assert "proxy_pass http://dashboard;" in conf and "Set-Cookie" not in conf


def test_three_workers_split_evenly():
    conf = serve.nginx_config([1, 2, 3], ("127.0.0.1", 80), Path("/r"))
    assert conf.count("33.33% worker") == 2 and "* worker3;" in conf


def test_serve_is_a_command(monkeypatch):
    seen = {}
    monkeypatch.setattr(serve, "main", lambda args: seen.setdefault("args", args) and 0)
    cli.main(["serve", "--workers", "3", "--port", "9000", "--", "--server.maxUploadSize", "60"])
    args = seen["args"]
    assert (args.workers, args.port, args.sticky) == (3, 9000, "cookie")
    assert args.streamlit_args == ["--server.maxUploadSize", "60"]
