"""Take the README's screenshots: the answer step, the dashboard and the results, at 1280 and
390 px wide, from a fresh demo site (a throwaway SQLite database, the shipped frameworks and
demo_setup's example team), in Debian's Chromium.

    .venv/bin/python docs/screenshots.py      # writes docs/screenshots/*.png
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
WIDTHS = {"desktop": (1280, 1000), "phone": (390, 844)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        env = {
            **os.environ,
            "SECRET_KEY": "screenshots-only",
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{work}/site.sqlite3",
        }
        manage(env, "migrate", "-v0")
        manage(env, "loaddata", "dora", "calms", "mvp", "-v0")
        manage(env, "demo_setup", stdout=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            shoot(base)
        finally:
            server.terminate()
            server.wait()


def shoot(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for name, (width, height) in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(base + "/accounts/login/")
            page.get_by_label("Username").fill("demo")
            page.get_by_label("Password").fill("dora-demo")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
            page.screenshot(path=OUT / f"dashboard-{name}.png")
            draft = page.get_by_role("region", name="Continue where your team left off")
            draft.get_by_role("link").first.click()
            page.wait_for_load_state()
            answer = re.sub(r"/answer/\d+/$", "/answer/1/", page.url)
            page.goto(answer if "/answer/" in answer else page.url)
            page.screenshot(path=OUT / f"answer-{name}.png")
            page.goto(base + "/")
            page.locator("a", has_text="DORA check").first.click()
            page.wait_for_load_state()
            if "/results/" not in page.url:
                page.goto(re.sub(r"/assessments/(\d+)/.*", r"/assessments/\1/results/", page.url))
            page.screenshot(path=OUT / f"results-{name}.png")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
