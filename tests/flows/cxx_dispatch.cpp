/* Virtual dispatch narrowed by the allocated type (issue 27): a call on a local object, or on a
   local pointer that only ever holds `new T`, reaches T's own override only; a pointer of
   unknown origin reaches every override of its static type. */
typedef unsigned long long uint64_t;
uint64_t g_uSeenBase;
uint64_t g_uSeenA;
uint64_t g_uSeenB;
uint64_t g_uSeenD;

class Shape
{
public:
    virtual void action(uint64_t u) { g_uSeenBase = u; }
};

class ShapeA : public Shape
{
public:
    virtual void action(uint64_t u) { g_uSeenA = u; }
};

class ShapeB : public Shape
{
public:
    virtual void action(uint64_t u) { g_uSeenB = u; }
};

class ShapeC : public ShapeA
{
};

class ShapeD : public ShapeB
{
public:
    virtual void action(uint64_t u) { g_uSeenD = u; }
};

void allocCaller(uint64_t uNew)
{
    Shape *p = new ShapeA;
    p->action(uNew);
}

void localCaller(uint64_t uLocal)
{
    ShapeB b;
    b.action(uLocal);
}

void inheritCaller(uint64_t uInherit)
{
    Shape *pC = new ShapeC();
    pC->action(uInherit);
}

void anyCaller(Shape *pAny, uint64_t uAny)
{
    pAny->action(uAny);
}

// flow here: allocCaller#0 (uNew) -> g_uSeenA
// no flow here: allocCaller#0 (uNew) -> g_uSeenB
// no flow here: allocCaller#0 (uNew) -> g_uSeenBase
// flow here: localCaller#0 (uLocal) -> g_uSeenB
// no flow here: localCaller#0 (uLocal) -> g_uSeenA
// no flow here: localCaller#0 (uLocal) -> g_uSeenD
// flow here: inheritCaller#0 (uInherit) -> g_uSeenA
// no flow here: inheritCaller#0 (uInherit) -> g_uSeenB
// flow here: anyCaller#1 (uAny) -> g_uSeenA
// flow here: anyCaller#1 (uAny) -> g_uSeenB
// flow here: anyCaller#1 (uAny) -> g_uSeenBase
// flow here: anyCaller#1 (uAny) -> g_uSeenD
