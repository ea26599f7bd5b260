"""Another correct solution: `static inline` helper, month lengths computed, not tabled."""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    int days_in_year(int year);
    int days_in_month(int year, int month);
""")

ffibuilder.set_source(
    "_dates_cffi",
    """
    static inline int is_leap(int year)
    {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    int days_in_year(int year)
    {
        return is_leap(year) ? 366 : 365;
    }

    int days_in_month(int year, int month)
    {
        if (month < 1 || month > 12)
            return 0;
        if (month == 2)
            return 28 + is_leap(year);
        return 30 + ((month + month / 8) % 2);
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
