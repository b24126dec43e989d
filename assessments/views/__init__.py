"""The assessments app's pages, by family: dashboard, answering, results, teams, compare,
overview. Views handle HTTP only: they look things up through selectors (scoped by the
access rule), validate with forms, write through services and render templates."""
