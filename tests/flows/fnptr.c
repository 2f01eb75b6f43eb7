/* Function pointers: plain assignments and registration tables (designated and positional). */
typedef struct PDMDEVREG
{
    uint32_t u32Version;
    DECLR3CALLBACKMEMBER(int, pfnConstruct, (PPDMDEVINS pDevIns, int iInstance));
    DECLR3CALLBACKMEMBER(int, pfnReset, (PPDMDEVINS pDevIns, int fFlags));
} PDMDEVREG;
typedef const PDMDEVREG *PCPDMDEVREG;
typedef struct PDMDEVINS { PCPDMDEVREG pReg; int iLast; } PDMDEVINS;
typedef PDMDEVINS *PPDMDEVINS;

static DECLCALLBACK(int) fooConstruct(PPDMDEVINS pDevIns, int iInstance)
{
    pDevIns->iLast = iInstance;
    return 0;
}

static DECLCALLBACK(int) barConstruct(PPDMDEVINS pDevIns, int iInstance)
{
    return iInstance;
}

static DECLCALLBACK(int) bazReset(PPDMDEVINS pDevIns, int fFlags)
{
    return fFlags;
}

const PDMDEVREG g_DeviceFoo = { .u32Version = 1, .pfnConstruct = fooConstruct };
const PDMDEVREG g_DeviceBar = { 1, barConstruct, bazReset };

int pdmR3DevConstruct(PPDMDEVINS pDevIns, int iInstance)
{
    int rc = pDevIns->pReg->pfnConstruct(pDevIns, iInstance);
    return rc;
}

int pdmR3DevReset(PPDMDEVINS pDevIns, int fWhat)
{
    return pDevIns->pReg->pfnReset(pDevIns, fWhat);
}

// flow here: pdmR3DevConstruct#1 (iInstance) -> PDMDEVINS.iLast
// flow here: pdmR3DevConstruct#1 (iInstance) -> pdmR3DevConstruct:rc
// flow here: pdmR3DevReset#1 (fWhat) -> pdmR3DevReset()
// no flow here: pdmR3DevReset#1 (fWhat) -> PDMDEVINS.iLast

/* a call through a dereferenced function pointer, (*pfn)(x) */
typedef unsigned long long uint64_t;
typedef uint64_t FNCONV(uint64_t u);
uint64_t g_uDerefCallOut;

static uint64_t convTwice(uint64_t u)
{
    return u * 2;
}

static FNCONV *g_pfnConv = convTwice;

void derefCallCaller(uint64_t uA)
{
    uint64_t x = uA;
    g_uDerefCallOut = (*g_pfnConv)(x);
}

// flow here: derefCallCaller#0 (uA) -> g_uDerefCallOut
// flow here: derefCallCaller#0 (uA) -> convTwice#0 (u)

/* a parameter named like a function is the parameter: storing it does not register that function */
typedef struct CONVREG { FNCONV *pfnConv; } CONVREG;
uint64_t g_uRegOut;

static uint64_t convHalf(uint64_t u)
{
    return u / 2;
}

void regShadow(CONVREG *pReg, FNCONV *convHalf)
{
    pReg->pfnConv = convHalf;
}

void regDirect(CONVREG *pReg)
{
    pReg->pfnConv = convTwice;
}

void callReg(CONVREG *pReg, uint64_t uR)
{
    g_uRegOut = pReg->pfnConv(uR);
}

// no flow here: callReg#1 (uR) -> convHalf#0 (u)
// flow here: callReg#1 (uR) -> convTwice#0 (u)

/* nested registration tables: a designated member holding a positional one, and positional
   members all the way down (each level's fields come from that level's own type; a slot is one
   per type's field, so each table has a type of its own) */
typedef struct CONVINNER { FNCONV *pfnA; FNCONV *pfnB; } CONVINNER;
typedef struct CONVOUTER { int iVersion; CONVINNER Sub; } CONVOUTER;
typedef struct CONVINNER2 { FNCONV *pfnA; FNCONV *pfnB; } CONVINNER2;
typedef struct CONVOUTER2 { int iVersion; CONVINNER2 Sub; } CONVOUTER2;
uint64_t g_uNestOut1, g_uNestOut2;

static uint64_t convNestA(uint64_t u)
{
    return u + 3;
}

static uint64_t convNestB(uint64_t u)
{
    return u + 4;
}

static const CONVOUTER g_NestDesig = { .iVersion = 1, .Sub = { convNestA, convNestB } };
static const CONVOUTER2 g_NestPos = { 1, { convNestB, convNestA } };

void callNest(uint64_t uN1, uint64_t uN2)
{
    g_uNestOut1 = g_NestDesig.Sub.pfnB(uN1);
    g_uNestOut2 = g_NestPos.Sub.pfnB(uN2);
}

// flow here: callNest#0 (uN1) -> convNestB#0 (u)
// no flow here: callNest#0 (uN1) -> convNestA#0 (u)
// flow here: callNest#1 (uN2) -> convNestA#0 (u)
// no flow here: callNest#1 (uN2) -> convNestB#0 (u)
