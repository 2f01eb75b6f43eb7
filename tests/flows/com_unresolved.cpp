/* A property getter called on an interface whose class is not in the analysed sources
   (pAdapter->COMGETTER(LineSpeed)(&ul): no class here defines getLineSpeed): the variable it
   fills comes from the accessor source accessor:getLineSpeed, at that call, instead of from
   nothing. A getter some class of the tree defines is followed into it (no accessor source),
   and a call whose name is not an accessor's (queries/config.toml [methods] by_name) is no
   source. */
typedef unsigned long ULONG;
typedef int HRESULT;

class Adapter
{
public:
    HRESULT getCableConnected(ULONG *aConnected);
private:
    ULONG mConnected;
};

HRESULT Adapter::getCableConnected(ULONG *aConnected)
{
    *aConnected = mConnected;
    return 0;
}

class Console
{
public:
    HRESULT configure(INetworkAdapter *pAdapter);
private:
    ULONG mLineSpeed;
    ULONG mConnected;
    ULONG mOther;
};

HRESULT Console::configure(INetworkAdapter *pAdapter)
{
    ULONG ulLineSpeed;
    HRESULT hrc = pAdapter->COMGETTER(LineSpeed)(&ulLineSpeed);
    mLineSpeed = ulLineSpeed;
    ULONG ulConnected;
    hrc = pAdapter->COMGETTER(CableConnected)(&ulConnected);
    mConnected = ulConnected;
    ULONG ulOther;
    hrc = pAdapter->QueryOther(&ulOther);
    mOther = ulOther;
    return hrc;
}

// flow here: accessor:getLineSpeed -> Console.mLineSpeed
// flow here: Adapter.mConnected -> Console.mConnected
// no flow here: accessor:getCableConnected -> Console.mConnected
// no flow here: accessor:getLineSpeed -> Console.mOther
// no flow here: accessor:QueryOther -> Console.mOther
