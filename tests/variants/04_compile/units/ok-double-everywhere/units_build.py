"""Another correct solution: a double local variable, and 1.8 for 9 / 5.

Exercise 04_compile/units: read the build errors, fix the builder.

This builder should compile a module named ``_units_cffi`` with three C
functions, each taking and returning a ``double``:

* ``c_to_f(celsius)``: degrees Celsius to degrees Fahrenheit (C * 9/5 + 32);
* ``f_to_c(fahrenheit)``: the other way round;
* ``km_to_miles(km)``: kilometres to miles (one mile is 1.609344 km).

It does not build. Grade it, read the first problem the report shows (it
names your file and line), fix it, and grade again until it passes. The
functions keep the names and types above.

Grade it:  nox -s grade -- 04_compile/units
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    double c_to_f(double celsius);
    double f_to_c(double fahrenheit);
    double km_to_miles(double km);
""")

# Two problems, found one at a time: the compiler's first error, then the import's undefined symbol.
ffibuilder.set_source(
    "_units_cffi",
    """
    double c_to_f(double celsius)
    {
        double scaled = celsius * 1.8;
        return scaled + 32;
    }

    double f_to_c(double fahrenheit)
    {
        /* The compiler said 'farenheit' undeclared: the parameter is spelled fahrenheit. */
        return (fahrenheit - 32.0) * 5.0 / 9.0;
    }

    /* cdef() promises km_to_miles; without a C function of that name, the import fails. */
    double km_to_miles(double km)
    {
        return km / 1.609344;
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
