/* Local aggregates are objects (issue 27): a struct or union variable of one function and
   another function's variable of the same type are two objects; a union's members share the
   variable's storage; a struct passed by value is the callee's own copy; a local whose address
   is handed to a callee is reached through the callee's pointer. */
typedef unsigned long long uint64_t;
typedef unsigned int uint32_t;
typedef struct PAIR { uint64_t first; uint64_t second; } PAIR;
typedef union VALU { uint64_t u64; struct { uint32_t uLo; uint32_t uHi; } s; } VALU;
uint64_t g_uA;
uint64_t g_uB;
uint64_t g_uC;
uint64_t g_uD;
uint64_t g_uE;
uint64_t g_uF;

void writerPair(uint64_t uData)
{
    PAIR s;
    s.first = uData;
    s.second = 0;
    g_uA = s.first;
}

void readerPair(void)
{
    PAIR t;
    g_uB = t.first;
}

// flow here: writerPair#0 (uData) -> g_uA
// no flow here: writerPair#0 (uData) -> g_uB

void writerUnion(uint64_t uRaw)
{
    VALU u;
    u.u64 = uRaw;
    g_uC = u.s.uLo;
}

void readerUnion(void)
{
    VALU v;
    g_uD = v.s.uHi;
}

// flow here: writerUnion#0 (uRaw) -> g_uC
// no flow here: writerUnion#0 (uRaw) -> g_uD

static uint64_t firstOf(PAIR p)
{
    return p.first;
}

void byValueA(uint64_t uX)
{
    PAIR a;
    a.first = uX;
    g_uE = firstOf(a);
}

void byValueB(uint64_t uY)
{
    PAIR b;
    b.first = uY;
    g_uF = firstOf(b);
}

// flow here: byValueA#0 (uX) -> g_uE
// flow here: byValueB#0 (uY) -> g_uF
// no flow here: byValueA#0 (uX) -> g_uF

static void fillPair(PAIR *pPair, uint64_t uV)
{
    pPair->second = uV;
}

void escaper(uint64_t uEsc)
{
    PAIR e;
    fillPair(&e, uEsc);
    g_uD = e.second;
}

// flow here: escaper#0 (uEsc) -> g_uD
// no flow here: escaper#0 (uEsc) -> g_uB

/* A callee that writes the whole variable through its pointer: every field of it is new. */
static void fillWhole(PAIR *pOut, uint64_t uV)
{
    PAIR tmp;
    tmp.first = uV;
    tmp.second = 0;
    *pOut = tmp;
}

void wholeUser(uint64_t uW)
{
    PAIR w;
    fillWhole(&w, uW);
    g_uF = w.first;
}

// flow here: wholeUser#0 (uW) -> g_uF

/* A local array of unions (a register list): its elements are this function's object, one
   storage; another function's array of the same union is another object. */
typedef union REGV { uint64_t Reg64; uint32_t Reg32; } REGV;

void regWriter(uint64_t uReg)
{
    REGV aRegs[4];
    aRegs[0].Reg64 = uReg;
    g_uA = aRegs[1].Reg32;
}

void regReader(void)
{
    REGV aOther[4];
    g_uB = aOther[0].Reg64;
}

// flow here: regWriter#0 (uReg) -> g_uA
// no flow here: regWriter#0 (uReg) -> g_uB
