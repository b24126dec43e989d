"""Django's Paginator, without its COUNT query when the first page is not full.

Most members' lists (their dashboard, a team's history) fit on one page: the rows of the
first page then tell how many there are, and counting them again would be a query for
nothing. Otherwise this is Paginator.get_page exactly (junk or out-of-range page numbers
give the first or the last page).
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator


class _FirstPage:
    """The first page's rows, already read, and how many rows there are in all."""

    def __init__(self, rows: list, total: int):
        self.rows = rows
        self.total = total

    def count(self) -> int:
        return self.total

    def __getitem__(self, index: slice) -> list:
        return self.rows[index]


def page_of(queryset, number: int, per_page: int) -> Page:
    """The page `number` (frameworks.params.page_param) of the queryset's rows."""
    if number == 1:
        rows = list(queryset[: per_page + 1])
        total = len(rows) if len(rows) <= per_page else queryset.count()
        return Paginator(_FirstPage(rows[:per_page], total), per_page).page(1)
    return Paginator(queryset, per_page).get_page(number)


@dataclass(frozen=True)
class PageLinks:
    """What the pagination links show, as plain data (templates/includes/pagination.html):
    the page's number, how many pages there are, and the query string before `page=`."""

    number: int
    num_pages: int
    query: str = ""


def links(page: Page, query: str = "") -> PageLinks:
    return PageLinks(page.number, page.paginator.num_pages, query)
