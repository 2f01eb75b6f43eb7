/* Taint: an assert-return macro comparing the guest size before the allocation bounds it
   (checked); an assert that only logs does not (unchecked). The size is an HGCM parameter. */
typedef struct VBOXHGCMSVCPARM { unsigned type; unsigned cb; } VBOXHGCMSVCPARM;

static void svcCall(void *pvService, void *callHandle, unsigned u32ClientID, void *pvClient, unsigned u32Function,
                    unsigned cParms, VBOXHGCMSVCPARM paParms[], unsigned long tsArrival)
{
    unsigned cbAsserted = paParms[0].cb;
    AssertReturnVoid(cParms == 1);
    AssertMsgReturn(cbAsserted <= 4096, ("too big\n"), );
    void *pv = RTMemAlloc(cbAsserted); // taint: checked (assert-return)

    unsigned cbLogged = paParms[1].cb;
    AssertMsg(cbLogged <= 4096, ("too big\n"));
    void *pv2 = RTMemAlloc(cbLogged); // taint: unchecked
}

// flow here: VBOXHGCMSVCPARM.cb -> alloc-size:RTMemAlloc
