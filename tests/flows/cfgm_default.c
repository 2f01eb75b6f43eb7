/* A configuration query with a default (CFGMR3QueryU64Def(pNode, "Key", &u64, u64Def)): the
   value is the key's when it is set, else the default argument's, so the default's origin is
   upstream of the value too. A query without a default has only the key. */
typedef unsigned long long uint64_t;
typedef struct CFGMNODE *PCFGMNODE;
typedef struct HBSTATE { uint64_t cNsInterval; uint64_t cNsTimeout; uint64_t cNsOther; } HBSTATE;

int hbConstruct(PCFGMNODE pCfg, HBSTATE *pThis, uint64_t cNsFallback)
{
    int rc = CFGMR3QueryU64Def(pCfg, "HeartbeatInterval", &pThis->cNsInterval, 2000);
    rc = CFGMR3QueryU64Def(pCfg, "HeartbeatTimeout", &pThis->cNsTimeout, pThis->cNsInterval * 2);
    rc = CFGMR3QueryU64(pCfg, "Other", &pThis->cNsOther);
    (void)cNsFallback;
    return rc;
}

// flow here: HBSTATE.cNsInterval -> HBSTATE.cNsTimeout
// flow here: cfgm:/?/HeartbeatInterval -> HBSTATE.cNsTimeout
// flow here: cfgm:/?/HeartbeatTimeout -> HBSTATE.cNsTimeout
// no flow here: HBSTATE.cNsTimeout -> HBSTATE.cNsInterval
// no flow here: HBSTATE.cNsInterval -> HBSTATE.cNsOther
