"""The pure rule behind comparisons (no database)."""

import pytest

from assessments.comparison import NotComparable, check_comparable
from frameworks.tree import FrameworkTree


def tree(slug, version):
    return FrameworkTree(None, slug, version, slug.upper(), "", 10, True, (), ())


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        (("dora", "1.0"), ("calms", "1.0"), "different frameworks"),
        (("dora", "1.0"), ("dora", "2.0"), "different major versions"),
        (("dora", "1.0"), ("dora", "1.3"), None),
        (("dora", "2.1.4"), ("dora", "2"), None),
    ],
)
def test_only_one_framework_of_one_major_version_compares(a, b, message):
    if message is None:
        check_comparable(tree(*a), tree(*b))
    else:
        with pytest.raises(NotComparable, match=message):
            check_comparable(tree(*a), tree(*b))
