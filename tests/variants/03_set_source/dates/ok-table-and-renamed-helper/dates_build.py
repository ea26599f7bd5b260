"""Another correct solution: a differently named static helper, a static table, one cdef per line."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("int days_in_year(int);")
ffibuilder.cdef("int days_in_month(int, int);")

ffibuilder.set_source(
    "_dates_cffi",
    r"""
    static int leap_year(int y)
    {
        if (y % 400 == 0) return 1;
        if (y % 100 == 0) return 0;
        return y % 4 == 0;
    }

    static const int LENGTHS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    int days_in_year(int year) { return 365 + leap_year(year); }

    int days_in_month(int year, int month)
    {
        if (month < 1 || month > 12)
            return 0;
        return LENGTHS[month - 1] + (month == 2 && leap_year(year));
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile()
