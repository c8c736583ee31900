"""The co-funding check (medfinansieringsordningen, Digdir), a sub-package of the cost-benefit
app: ``models`` (the stored application facts, registered with the ``costbenefit`` app),
``gather`` (the facts from the registers and the engine's verdict), ``report`` (what the
page and API show), ``services`` (the one write), ``docx`` (the appendices), ``views`` and
``urls``.

Nothing is imported here: ``costbenefit.models`` imports ``cofunding.models``, and the
other modules import the app's models, so a re-export here would be a circular import.
"""
