from django.core.management.base import BaseCommand, CommandError

from frameworks.models import Framework
from frameworks.services import framework_problems_for


class Command(BaseCommand):
    help = (
        "Run the integrity check on frameworks: weights sum to 100, every domain has a gate "
        "and every gate a question, every question has guidance for scores 0-5, maturity "
        "levels start at 0 and do not overlap. Prints one line per problem and exits non-zero "
        "when there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Only these frameworks (all versions).")
        parser.add_argument("--published", action="store_true", help="Only published frameworks.")

    def handle(self, *slugs, published=False, **options):
        frameworks = Framework.objects.all()
        if slugs:
            frameworks = frameworks.filter(slug__in=slugs)
            unknown = set(slugs) - set(frameworks.values_list("slug", flat=True))
            if unknown:
                raise CommandError("No framework with slug: " + ", ".join(sorted(unknown)))
        if published:
            frameworks = frameworks.published()
        problems = []
        checked = 0
        for framework in frameworks:
            checked += 1
            problems.extend(framework_problems_for(framework))
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {checked} framework(s).")
        self.stdout.write(self.style.SUCCESS(f"{checked} framework(s) checked: no problems."))
