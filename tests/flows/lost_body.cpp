/* A method whose body the parser loses: braces that balance only across #ifdef blocks (one
   of them never closed) leave the header and the body's statements at file scope. The body
   is found again by matching braces (srcscan/extract/recover.py): its locals stay locals,
   and the file-scope cMegs is another variable than the method's own. The class is declared
   nowhere here, yet its methods' bare calls of each other reach them; the config write goes
   through a function table (queries/models/cfgm.toml, sink cfgm-insert). */
typedef unsigned long long uint64_t;
typedef struct CFGMNODE *PCFGMNODE;
typedef struct VMMTABLE
{
    int (*pfnCFGMR3InsertInteger)(PCFGMNODE pNode, const char *pszName, uint64_t u64);
} VMMTABLE;
uint64_t g_cbTotal;
uint64_t cMegs;

void Machine::insertInteger(PCFGMNODE pNode, const char *pszName, uint64_t u64Value)
{
    mpVMM->pfnCFGMR3InsertInteger(pNode, pszName, u64Value);
}

int Machine::configure(Machine *pMachine, uint64_t cMegsIn)
{
    uint64_t cMegs = cMegsIn;
    uint64_t const cbTotal = cMegs * 1024 * 1024;
    {
        {
            {
                {
                }
            }
#ifdef WITH_SLOT
            {
            }
            {
            {
            }
#ifdef WITH_REMOTE
            }
        }
    }
    g_cbTotal = cbTotal;
    insertInteger(mpRoot, "RamSize", cbTotal);
}

int Machine::unrelated(uint64_t uOther)
{
    cMegs = uOther;
    return 0;
}

// flow here: Machine::configure#1 (cMegsIn) -> g_cbTotal
// no flow here: Machine::unrelated#0 (uOther) -> g_cbTotal
// flow here: Machine::configure#1 (cMegsIn) -> Machine::insertInteger#2
// flow here: Machine::configure#1 (cMegsIn) -> sink:cfgm-insert:pfnCFGMR3InsertInteger
// no flow here: Machine::unrelated#0 (uOther) -> sink:cfgm-insert:pfnCFGMR3InsertInteger
