/* $Id: vmapi.h $ */
/** @file
 * VM - The Virtual Machine, error reporting API (srcscan sample tree).
 */

#ifndef VBOX_INCLUDED_vmm_vmapi_h
#define VBOX_INCLUDED_vmm_vmapi_h

#include <VBox/types.h>

RT_C_DECLS_BEGIN

/**
 * Sets the error message of a failed VM operation.
 *
 * @returns rc, so it can be used in a return statement.
 */
VMMDECL(int) VMSetError(PVMCC pVM, int rc, const char *pszFile, unsigned iLine, const char *pszFunction,
                        const char *pszFormat, ...);

RT_C_DECLS_END

#endif /* !VBOX_INCLUDED_vmm_vmapi_h */
