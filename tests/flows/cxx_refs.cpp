/* C++ references and configured #if branches (issue 27). A local passed to a reference
   parameter may be changed by the callee: it is not split into versions by its own
   assignments (the callee's write would be lost). A local passed by value is. Under -D NAME,
   an assignment inside #ifdef NAME replaces the value before it. */
typedef unsigned long long uint64_t;
uint64_t g_uSeen;
uint64_t g_uCopy;
uint64_t g_uPicked;

static void refPut(uint64_t &uDst, uint64_t uSrc)
{
    uDst = uSrc;
}

static void valPut(uint64_t uDst, uint64_t uSrc)
{
    uDst = uSrc;
    g_uCopy = uDst;
}

void refCaller(uint64_t uIn, bool fSet)
{
    uint64_t uOut = 0;
    if (fSet)
        uOut = 1;
    refPut(uOut, uIn);
    g_uSeen = uOut;
}

void valCaller(uint64_t uIn2, bool fSet)
{
    uint64_t uKeep = 0;
    if (fSet)
        uKeep = 1;
    valPut(uKeep, uIn2);
    g_uPicked = uKeep;
}

// flow here: refCaller#0 (uIn) -> g_uSeen
// flow here: valCaller#0 (uIn2) -> g_uCopy
// no flow here: valCaller#0 (uIn2) -> g_uPicked

void cfgPick(uint64_t uFirst, uint64_t uSecond)
{
    uint64_t uPick = uFirst;
#ifdef VBOX_WITH_PICK
    uPick = uSecond;
#endif
    g_uSeen = uPick;
}

// flow here: cfgPick#0 (uFirst) -> g_uSeen
// flow here: cfgPick#1 (uSecond) -> g_uSeen
// flow here [-D VBOX_WITH_PICK]: cfgPick#1 (uSecond) -> g_uSeen
// no flow here [-D VBOX_WITH_PICK]: cfgPick#0 (uFirst) -> g_uSeen
// flow here [-U VBOX_WITH_PICK]: cfgPick#0 (uFirst) -> g_uSeen
// no flow here [-U VBOX_WITH_PICK]: cfgPick#1 (uSecond) -> g_uSeen

/* a reference parameter the callee only reads: nothing is written back to the caller's variable */
uint64_t g_uRefSeen, g_uAfterA;

static void readOnly(uint64_t &r)
{
    g_uRefSeen = r;
}

void roCallerA(uint64_t uA)
{
    uint64_t x = uA;
    readOnly(x);
    g_uAfterA = x;
}

// flow here: roCallerA#0 (uA) -> g_uRefSeen
// flow here: g_uAfterA <- roCallerA#0 (uA)
// no flow here: g_uAfterA <- param:cxx_refs.cpp:readOnly#0*
