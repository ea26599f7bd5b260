"""Build the module _parcel_cffi: a small parcel-post library, declared for Python.

The C code given to set_source() stands for a library: its header first, then
its code. The three cdef() calls declare what Python needs of it: types,
constants, functions.

Run it once (python parcel_build.py); then `from _parcel_cffi import ffi, lib`.
"""

from cffi import FFI

ffibuilder = FFI()

# --8<-- [start:types]
ffibuilder.cdef("""
    typedef uint32_t grams_t;
    typedef int... stamp_t;

    enum zone { ZONE_LOCAL = 1, ZONE_COUNTRY, ZONE_WORLD = 9 };
""")
# --8<-- [end:types]

# --8<-- [start:constants]
ffibuilder.cdef("""
    #define PARCEL_MAX_GRAMS 30000
    #define PARCEL_MAX_ITEMS ...
    static const double PARCEL_KG_PER_LB;
""")
# --8<-- [end:constants]

# --8<-- [start:functions]
ffibuilder.cdef("""
    double postage(grams_t weight, enum zone zone);
    int parcel_fits(grams_t weight, int items);
    stamp_t parcel_posted(void);
""")
# --8<-- [end:functions]

# --8<-- [start:source]
ffibuilder.set_source("_parcel_cffi", r"""
    /* ---- the header: what a parcel.h would declare ---- */
    #include <stdint.h>
    #include <time.h>

    #define PARCEL_MAX_GRAMS 30000                   /* 30 kg */
    #define PARCEL_MAX_ITEMS (UINT8_MAX / 5)         /* an expression over another macro */
    #define PARCEL_KG_PER_LB 0.45359237              /* one pound, in kilograms */

    typedef uint32_t grams_t;
    typedef time_t stamp_t;                          /* a calendar time, as time() gives it */

    enum zone { ZONE_LOCAL = 1, ZONE_COUNTRY, ZONE_WORLD = 9 };

    /* ---- the code: what a parcel.c would hold ---- */
    double postage(grams_t weight, enum zone zone)
    {
        double per_kg = zone == ZONE_LOCAL ? 1.5 : zone == ZONE_COUNTRY ? 4.0 : 12.0;
        return 2.0 + per_kg * weight / 1000.0;
    }

    int parcel_fits(grams_t weight, int items)
    {
        return weight <= PARCEL_MAX_GRAMS && items <= PARCEL_MAX_ITEMS;
    }

    stamp_t parcel_posted(void)
    {
        return time(NULL);
    }
""")
# --8<-- [end:source]

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
