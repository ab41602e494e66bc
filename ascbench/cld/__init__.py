"""In-year ASCOF from a council's own Client Level Data (CLD).

* :mod:`~ascbench.cld.codes`    the CLD code lists and their DHSC groupings
* :mod:`~ascbench.cld.read`     reading and validating extracts (located errors, rejected rows)
* :mod:`~ascbench.cld.prepare`  DHSC's stage 0: person key, derived end date, de-duplication,
  latest person details
* :mod:`~ascbench.cld.measures` ASCOF 2A, 2B/2C, 2E (and LD), 3D (clients and carers)
* :mod:`~ascbench.cld.synth`    a seeded synthetic extract generator

The method follows ``docs/cld.md`` (DHSC's published method, restated); choices where it is
ambiguous are named options of :class:`~ascbench.cld.measures.Options`.
"""
