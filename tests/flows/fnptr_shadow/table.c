/* A registration table in one file naming a static variable of that file that another file's
   function shares the name of: the slot holds the variable's value, not that function. */
typedef unsigned long long uint64_t;
typedef uint64_t FNCONV(uint64_t u);
typedef struct CONVTAB { FNCONV *pfnConv; } CONVTAB;

static FNCONV *convShared = 0;

CONVTAB g_ConvTab = { convShared };
CONVTAB g_ConvTab2 = { convOwn };

uint64_t g_uTabOut, g_uTabOut2;

void callTab(uint64_t uT)
{
    g_uTabOut = g_ConvTab.pfnConv(uT);
}

void callTab2(uint64_t uT2)
{
    g_uTabOut2 = g_ConvTab2.pfnConv(uT2);
}

// no flow here: callTab#0 (uT) -> convShared#0 (u)
// flow here: callTab2#0 (uT2) -> convOwn#0 (u)
