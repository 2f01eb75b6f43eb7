/* Flow-sensitive locals: which definitions of a local reach a use. */
typedef unsigned long long uint64_t;
uint64_t g_uPV;

/* a pointer local is not versioned: what is read through it may come from any of its values */
void ptrVers(uint64_t *pA, uint64_t *pB)
{
    uint64_t *p = pA;
    uint64_t v = *p;
    p = pB;
    g_uPV = v + *p;
}

// flow here: ptrVers#0 (pA) -> g_uPV
// flow here: ptrVers#1 (pB) -> g_uPV

/* a definition under #if does not kill the one before it: the configuration may not build it */
uint64_t ppKill(uint64_t uA, uint64_t uB)
{
    uint64_t r = uA;
#ifdef VBOX_WITH_PPKILL
    r = uB;
#endif
    return r;
}

// flow here: ppKill#0 (uA) -> ppKill()
// flow here: ppKill#1 (uB) -> ppKill()
// (with the #if defined, r = uB always runs: it replaces r)
// no flow here [-D VBOX_WITH_PPKILL]: ppKill#0 (uA) -> ppKill()

/* a definition under an if does not kill the one before it either; one that always runs does */
uint64_t ifKill(uint64_t uA, uint64_t uB, uint64_t uC, int f)
{
    uint64_t r = uA;
    if (f)
        r = uB;
    uint64_t s = r;
    r = uC;
    return r + s;
}

// flow here: ifKill#0 (uA) -> ifKill:s
// flow here: ifKill#1 (uB) -> ifKill:s
// no flow here: ifKill#2 (uC) -> ifKill:s

/* the value before any definition: a struct filled field by field, then maybe replaced */
typedef struct VALX { uint64_t f; } VALX;
VALX g_ValOut, g_ValZero, g_ValOne;

void partOf(uint64_t uIn, int fReset, int fOther)
{
    VALX s;
    s.f = uIn;
    if (fReset)
        s = g_ValZero;
    if (fOther)
        s = g_ValOne;
    g_ValOut = s;
}

// flow here: partOf#0 (uIn) -> g_ValOut

/* a loop: the definition at the end of one round reaches the use at the start of the next */
uint64_t loopCarry(uint64_t uA, uint64_t uB, int n)
{
    uint64_t r = uA;
    uint64_t s = 0;
    for (int i = 0; i < n; i++)
    {
        s = r;
        r = uB;
    }
    return s;
}

// flow here: loopCarry#0 (uA) -> loopCarry()
// flow here: loopCarry#1 (uB) -> loopCarry()

/* a statement reads the definitions before it, not its own */
uint64_t selfRead(uint64_t uA, uint64_t uB)
{
    uint64_t x = uA;
    uint64_t y = x;
    x = uB;
    x = x * 2;
    return y;
}

// flow here: selfRead#0 (uA) -> selfRead()
// no flow here: selfRead#1 (uB) -> selfRead()

/* do ... while carries a definition into the next round too; a definition after the loop does not */
uint64_t doCarry(uint64_t uA, uint64_t uB, uint64_t uC, int n)
{
    uint64_t r = uA;
    uint64_t s = 0;
    do
    {
        s = r;
        r = uB;
    } while (--n > 0);
    r = uC;
    return s + r;
}

// flow here: doCarry#1 (uB) -> doCarry:s
// no flow here: doCarry#2 (uC) -> doCarry:s

/* a definition under an #if the configuration leaves open, after one outside any #if: both are
   versions of r, so a read between them sees only the first (the #if one is not a branch twin) */
uint64_t g_uPpEarly;

uint64_t ppEarly(uint64_t uA, uint64_t uB)
{
    uint64_t r = uA;
    g_uPpEarly = r;
#ifdef VBOX_WITH_PPLATE
    r = uB;
#endif
    return r;
}

// flow here: ppEarly#0 (uA) -> g_uPpEarly
// no flow here: ppEarly#1 (uB) -> g_uPpEarly
// flow here: ppEarly#1 (uB) -> ppEarly()

/* the other order: a definition under an open #if, then one outside any #if replaces it */
uint64_t g_uPpFirst;

uint64_t ppFirst(uint64_t uA, uint64_t uB)
{
    uint64_t r;
#ifdef VBOX_WITH_PPFIRST
    r = uA;
#endif
    g_uPpFirst = r;
    r = uB;
    return r;
}

// flow here: ppFirst#0 (uA) -> g_uPpFirst
// no flow here: ppFirst#0 (uA) -> ppFirst()
// flow here: ppFirst#1 (uB) -> ppFirst()

/* a local whose address goes to a call no model describes (the callee may keep it and write
   later) is one variable, not versions: what it held before and after meet */
uint64_t g_uEsc1, g_uEsc2;
void extFill(uint64_t *pu);

void escCaller(uint64_t uA, uint64_t uB)
{
    uint64_t x = uA;
    extFill(&x);
    g_uEsc1 = x;
    x = uB;
    g_uEsc2 = x;
}

// flow here: escCaller#0 (uA) -> g_uEsc1
// flow here: escCaller#1 (uB) -> g_uEsc2
// known extra: escCaller#1 (uB) -> g_uEsc1 (graph/locals.py: &x to a call no model describes makes x flow-insensitive; versions with the call as a definition would keep the order)
// known extra: escCaller#0 (uA) -> g_uEsc2 (the same: x = uB no longer replaces the value)
