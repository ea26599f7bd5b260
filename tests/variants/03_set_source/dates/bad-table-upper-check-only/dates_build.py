"""A likely mistake: a table of days, with only the upper end of the month checked.

Month 0 and -1 read days[-1] and days[-2], outside the table: undefined in C, and what lies just before
the table may well be zeros, so those two months can pass by luck; months further out do not.

Exercise 03_set_source/dates: a private helper in the C source.

This builder compiles a module named ``_dates_cffi``. Its C code has a helper,
``is_leap(year)``, that the other C functions call; right now the helper is
public: Python can call it as ``lib.is_leap``, and the compiled module exports
its name to the linker. Your tasks:

1. Make ``is_leap`` private to the C code: ``lib`` must not have it, and the
   compiled module must not export it.
2. Add a public C function ``int days_in_month(int year, int month)``: the
   number of days in that month (1 = January ... 12 = December) of that year,
   calling ``is_leap`` for February, and 0 for a month outside 1..12.

``days_in_year`` must keep working.

Grade it:  nox -s grade -- 03_set_source/dates
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    int days_in_year(int year);
    /* is_leap is not declared: lib only has what cdef() declares, so Python cannot call it. */
    int days_in_month(int year, int month);  /* public: Python calls it as lib.days_in_month */
""")

ffibuilder.set_source(
    "_dates_cffi",
    """
    /* static: the name stays inside this C file, so the linker never sees it and it cannot clash. */
    static int is_leap(int year)
    {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    int days_in_year(int year)
    {
        return is_leap(year) ? 366 : 365;
    }

    /* C code can call the private helper: it is defined above, in the same file. */
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    int days_in_month(int year, int month)
    {
        if (month > 12)
            return 0;
        if (month == 2)
            return is_leap(year) ? 29 : 28;
        return days[month - 1];
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
