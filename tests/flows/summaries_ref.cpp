// C++ reference parameters inside the callee: a write to the reference is the caller's
// variable, through the summary as well as the out edge.
typedef unsigned long long uint64_t;
uint64_t g_uRefA, g_uRefB, g_uRefC;

static void setRef(uint64_t &r, uint64_t u)
{
    r = u;
}

static uint64_t viaRef(uint64_t u)
{
    uint64_t x = 0;
    setRef(x, u);
    return x;
}

void refCallerA(uint64_t uA)
{
    g_uRefA = viaRef(uA);
}

void refCallerB(uint64_t uB)
{
    g_uRefB = viaRef(uB);
}

// flow here: refCallerA#0 (uA) -> g_uRefA
// no flow here: refCallerA#0 (uA) -> g_uRefB

void refDirect(uint64_t uC)
{
    uint64_t y = 0;
    setRef(y, uC);
    g_uRefC = y;
}

// flow here: refDirect#0 (uC) -> g_uRefC
// no flow here: refDirect#0 (uC) -> g_uRefA

// issue 22: a local passed to a reference parameter is not address-taken; with two
// assignments it gets versions, and the callee's write is lost after the second one.
uint64_t g_uRefTwice;

void refTwice(uint64_t uD)
{
    uint64_t z = 0;
    z = 1;
    setRef(z, uD);
    g_uRefTwice = z;
}

// (a reference argument is address-taken: the callee's write is not lost)
// flow here: refTwice#0 (uD) -> g_uRefTwice

// C++ direct initialisation T x(a + 1) reads a (T x(a) alone parses as a function declaration)
uint64_t g_uDirect;

void directInit(uint64_t uIn)
{
    uint64_t x(uIn + 1);
    g_uDirect = x;
}

// flow here: directInit#0 (uIn) -> g_uDirect
