"""The page kernels start without the import they never use (familyservice_nb.page_kernel)."""

from __future__ import annotations

import json
import subprocess
import sys

from familyservice_nb.web.voila_settings import prepare_runtime


def test_a_page_kernel_runs_code_and_never_loads_the_grammar_library(tmp_path):
    """A real kernel from the kernelspec `serve` writes: it answers, and plotly's widget (which reaches
    jsonschema through nbformat) comes up without `rfc3987_syntax`, whose import cost 1.5 s of CPU."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    prepare_runtime(tmp_path)
    specs = KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")])
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        code = ("import sys, jsonschema, plotly.graph_objects as go; go.FigureWidget(); "
                "print(sorted(m for m in ('rfc3987_syntax', 'jsonschema', 'ipykernel') if sys.modules.get(m)))")
        said = []
        reply = client.execute_interactive(code, timeout=60, output_hook=lambda msg: said.append(
            msg["content"].get("text", "")) if msg["msg_type"] == "stream" else None)
        assert reply["content"]["status"] == "ok"
        assert "".join(said).strip() == str(["ipykernel", "jsonschema"])
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_the_kernel_command_is_the_one_the_kernelspec_names(tmp_path):
    prepare_runtime(tmp_path)
    argv = json.loads((tmp_path / "kernels" / "python3" / "kernel.json").read_text())["argv"]
    shown = subprocess.run([*argv[:3], "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "IPKernelApp" in shown.stdout
    assert argv[0] == sys.executable
