/* COM property accessors: pMachine->COMGETTER(CPUCount)(&c) reaches Machine::getCPUCount (the
   generated wrapper classes that connect them are not in the tree); the object's class is an
   interface not in the tree either, so every class's getCPUCount is reached. */
typedef unsigned long ULONG;
typedef int HRESULT;

class Machine
{
public:
    HRESULT getCPUCount(ULONG *aCPUCount);
    HRESULT setCPUCount(ULONG aCPUCount);
    HRESULT getMemorySize(ULONG *aMemorySize);
private:
    ULONG mCPUCount;
    ULONG mMemorySize;
};

HRESULT Machine::getCPUCount(ULONG *aCPUCount)
{
    *aCPUCount = mCPUCount;
    return 0;
}

HRESULT Machine::setCPUCount(ULONG aCPUCount)
{
    mCPUCount = aCPUCount;
    return 0;
}

HRESULT Machine::getMemorySize(ULONG *aMemorySize)
{
    *aMemorySize = mMemorySize;
    return 0;
}

class Console
{
public:
    HRESULT configure(IMachine *pMachine);
    HRESULT setCpus(IMachine *pMachine, ULONG cNew);
private:
    ULONG mcCpus;
    ULONG mcRamMBs;
};

HRESULT Console::configure(IMachine *pMachine)
{
    ULONG cCpus = 0;
    HRESULT hrc = pMachine->COMGETTER(CPUCount)(&cCpus);
    ULONG cRamMBs = 0;
    hrc = pMachine->COMGETTER(MemorySize)(&cRamMBs);
    mcCpus = cCpus;
    mcRamMBs = cRamMBs;
    return hrc;
}

HRESULT Console::setCpus(IMachine *pMachine, ULONG cNew)
{
    return pMachine->COMSETTER(CPUCount)(cNew);
}

// flow here: Machine.mCPUCount -> Console.mcCpus
// flow here: Machine.mMemorySize -> Console.mcRamMBs
// no flow here: Machine.mCPUCount -> Console.mcRamMBs
// no flow here: Machine.mMemorySize -> Console.mcCpus
// flow here: Console::setCpus#1 (cNew) -> Machine.mCPUCount
// no flow here: Console::setCpus#1 (cNew) -> Machine.mMemorySize
