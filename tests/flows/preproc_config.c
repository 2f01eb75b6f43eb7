/* Preprocessor configuration: -D NAME, -D NAME=VALUE and -U NAME decide which #if branches
   are built, in three-valued logic (a branch is dropped only when its condition is certainly
   false; a name neither defined nor undefined is unknown). Applies to every kind of fact:
   assignments, returns, calls, file-scope initializers and whole definitions. */
typedef unsigned long long uint64_t;
typedef struct CFGX { uint64_t uFoo; uint64_t uBar; uint64_t uNew; uint64_t uOld; uint64_t uAB; uint64_t uBoth;
                      uint64_t uLax; uint64_t uStrict; uint64_t uR0; uint64_t uRet; uint64_t uDef; } CFGX;
extern CFGX g_Cfg;

/* #if NAME and -U NAME; an unknown name keeps the branch whatever else is defined */
uint64_t cfgIfName(void)
{
    uint64_t r = 0;
#if VBOX_WITH_FOO
    r = g_Cfg.uFoo;
#endif
    return r;
}

// flow here: CFGX.uFoo -> cfgIfName()
// flow here [-D IN_RING3]: CFGX.uFoo -> cfgIfName()
// no flow here [-U VBOX_WITH_FOO]: CFGX.uFoo -> cfgIfName()
// flow here [-D VBOX_WITH_FOO]: CFGX.uFoo -> cfgIfName()

/* #ifdef NAME and -U NAME */
uint64_t cfgIfdef(void)
{
    uint64_t r = 0;
#ifdef VBOX_WITH_BAR
    r = g_Cfg.uBar;
#endif
    return r;
}

// flow here: CFGX.uBar -> cfgIfdef()
// no flow here [-U VBOX_WITH_BAR]: CFGX.uBar -> cfgIfdef()

/* -D NAME=VALUE compared in the condition */
uint64_t cfgVersion(void)
{
    uint64_t r;
#if VBOX_CFG_VER >= 2
    r = g_Cfg.uNew;
#else
    r = g_Cfg.uOld;
#endif
    return r;
}

// flow here [-D VBOX_CFG_VER=2]: CFGX.uNew -> cfgVersion()
// no flow here [-D VBOX_CFG_VER=2]: CFGX.uOld -> cfgVersion()
// no flow here [-D VBOX_CFG_VER=1]: CFGX.uNew -> cfgVersion()
// flow here [-D VBOX_CFG_VER=1]: CFGX.uOld -> cfgVersion()

/* three-valued || and && */
uint64_t cfgOrAnd(void)
{
    uint64_t r = 0;
#if defined(VBOX_CFG_A) || defined(VBOX_CFG_B)
    r = g_Cfg.uAB;
#endif
#if defined(VBOX_CFG_A) && defined(VBOX_CFG_B)
    r += g_Cfg.uBoth;
#endif
    return r;
}

// flow here [-U VBOX_CFG_A]: CFGX.uAB -> cfgOrAnd()
// no flow here [-U VBOX_CFG_A -U VBOX_CFG_B]: CFGX.uAB -> cfgOrAnd()
// flow here [-D VBOX_CFG_A]: CFGX.uBoth -> cfgOrAnd()
// no flow here [-U VBOX_CFG_A]: CFGX.uBoth -> cfgOrAnd()
// no flow here [-U VBOX_CFG_B]: CFGX.uBoth -> cfgOrAnd()

/* the #else of "#if !NAME" with NAME unknown: both branches may be built */
uint64_t cfgNot(void)
{
    uint64_t r;
#if !VBOX_CFG_STRICT
    r = g_Cfg.uLax;
#else
    r = g_Cfg.uStrict;
#endif
    return r;
}

// flow here [-D IN_RING3]: CFGX.uStrict -> cfgNot()
// flow here [-D IN_RING3]: CFGX.uLax -> cfgNot()
// no flow here [-D VBOX_CFG_STRICT]: CFGX.uLax -> cfgNot()

/* an exclusive group (queries/config.toml): defining IN_RING3 undefines IN_RING0 */
uint64_t cfgRing(void)
{
    uint64_t r = 0;
#ifdef IN_RING0
    r = g_Cfg.uR0;
#endif
    return r;
}

// flow here: CFGX.uR0 -> cfgRing()
// no flow here [-D IN_RING3]: CFGX.uR0 -> cfgRing()

/* returns under #if */
uint64_t cfgReturn(void)
{
#ifdef VBOX_WITH_RET
    return g_Cfg.uRet;
#else
    return 0;
#endif
}

// flow here: CFGX.uRet -> cfgReturn()
// no flow here [-U VBOX_WITH_RET]: CFGX.uRet -> cfgReturn()

/* a definition under #if */
#ifdef VBOX_WITH_DEF
uint64_t cfgDefined(void)
{
    return g_Cfg.uDef;
}
#endif

// flow here: CFGX.uDef -> cfgDefined()
// no flow here [-U VBOX_WITH_DEF]: CFGX.uDef -> cfgDefined()

/* a call under #if: its arguments go nowhere when the branch is not built */
static uint64_t cfgHelper(uint64_t u)
{
    return u + 1;
}

uint64_t g_uCallOut;

void cfgCall(uint64_t uIn)
{
    uint64_t r = 0;
#ifdef VBOX_WITH_CALL
    r = cfgHelper(uIn);
#endif
    g_uCallOut = r;
}

// flow here: cfgCall#0 (uIn) -> cfgHelper#0 (u)
// no flow here [-U VBOX_WITH_CALL]: cfgCall#0 (uIn) -> cfgHelper#0 (u)
// no flow here [-U VBOX_WITH_CALL]: cfgCall#0 (uIn) -> g_uCallOut

/* file-scope initializers under #if */
uint64_t g_uInitSrc;
#ifdef VBOX_WITH_INIT
uint64_t g_uInitCopy = g_uInitSrc;
#endif

// flow here: g_uInitSrc -> g_uInitCopy
// no flow here [-U VBOX_WITH_INIT]: g_uInitSrc -> g_uInitCopy
