"""Team mode: the workbook behind JupyterHub (DESIGN.md: Team, trust model).

- `jupyterhub_config.py`: the hub's configuration, a file a council's IT team reads and changes;
- `launch.py`: `familyservice-nb hub`, which checks its settings and starts JupyterHub with that file;
- `spawn.py`: what the hub does as a person's server starts (their role, their database login);
- `singleuser_config.py`: the configuration of each person's server (the workbook only, or JupyterLab too);
- `authorizer.py`: what a workbook-only server refuses (files, new kernels, terminals);
- `warm_kernels.py`: the kernel manager of each person's server: their pages' kernels bounded by the laptop's
  rule (web/page_kernels.py), and one kernel kept warm for their next page.
"""
