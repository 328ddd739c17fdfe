"""Stage 2: pure IAM. ``statement`` is the value object and its JSON, ``documents`` builds the
stack's own documents, ``packing`` fits them into managed policies, ``parse`` and ``rules``
check statements from plugins, ``actions``, ``gate`` and ``lint`` judge them with
parliament's IAM database."""
