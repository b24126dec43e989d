"""What the pagination links show (templates/includes/pagination.html), as plain data: the
page's number, how many pages there are, and the query string before `page=`. Pages
themselves come from Django's Paginator."""

from dataclasses import dataclass

from django.core.paginator import Page


@dataclass(frozen=True)
class PageLinks:
    number: int
    num_pages: int
    query: str = ""


def links(page: Page, query: str = "") -> PageLinks:
    return PageLinks(page.number, page.paginator.num_pages, query)
