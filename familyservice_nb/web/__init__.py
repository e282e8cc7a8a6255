"""The workbook's web layer: what it adds to Voila, Jupyter Server and JupyterHub to serve its pages."""
