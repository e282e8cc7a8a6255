"""The GFPO session record page (form and prompts: `forms/gfpo.py`)."""

from __future__ import annotations

from familyservice_nb.ui.forms.framework.case_app import CaseRecordApp
from familyservice_nb.ui.forms.gfpo import GFPOForm


class GFPOSessionApp(CaseRecordApp):
    intro = ("Record a Graduated Family and Parenting Intervention session. The guidance's suggested points are "
             "beside the observation box. Your draft saves itself as you type.")
    form_class = GFPOForm
    start_label = "Start the GFPO session record"
