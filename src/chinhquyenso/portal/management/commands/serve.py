import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command

from chinhquyenso.portal import demo


class Command(BaseCommand):
    help = "Chạy máy chủ web cùng một tiến trình xử lý tác vụ nền (db_worker) và in tài khoản mẫu."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host: str, port: str, **options):
        manage = Path(settings.PROJECT_DIR) / "manage.py"
        worker = subprocess.Popen(  # noqa: S603 — our own interpreter and manage.py
            [sys.executable, str(manage), "db_worker", "--queue-name", "*", "--interval", "1"]
        )
        self._banner(host, port)
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=True)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()

    def _banner(self, host: str, port: str) -> None:
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"Chính quyền số đang chạy tại http://{host}:{port}/"))
        out.write(f"  Quản trị: http://{host}:{port}/admin/   API: http://{host}:{port}/api/v1/docs")
        out.write(f"  Tài khoản mẫu (mật khẩu chung: {demo.DEMO_PASSWORD}):")
        for spec in demo.DEMO_ACCOUNTS:
            role = spec.role.label if spec.role else "Công dân"
            out.write(f"    {spec.username:<15} {role:<22} {spec.full_name}")
        out.write("  Lãnh đạo và quản trị phải bật xác thực hai lớp (TOTP) ở lần đăng nhập đầu.")
        out.write("  Tác vụ nền: db_worker đang chạy. Dừng tất cả: Ctrl+C.")
        out.write("")
