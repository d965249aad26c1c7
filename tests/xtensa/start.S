/*
 * Start-up code for bare-metal test programs on an emulated Xtensa lx106 (QEMU "sim" machine,
 * semihosting): reset vector, exception vectors that report and exit, C run-time set-up
 * (stack, .data, .bss), main() and exit with its return value. CALL0 ABI (no register windows).
 */
#define SYS_EXIT 1

    .section .reset.text, "ax"
    .global _reset
_reset:
    j       _start

    /* VECBASE + offset: every vector reports its kind (a2) and the cause to xt_fault(). */
    .section .vectors.text, "ax"
    .balign 1024
    .global _vectors
_vectors:
    .begin  no-transform
    .org    0x10                /* level-2 interrupt / debug */
    movi    a2, 2
    j       _fault
    .org    0x20                /* NMI / level-3 interrupt */
    movi    a2, 3
    j       _fault
    .org    0x30                /* kernel exception */
    movi    a2, 0
    j       _fault
    .org    0x50                /* user exception */
    movi    a2, 0
    j       _fault
    .org    0x70                /* double exception */
    movi    a2, 1
    j       _fault
    .end    no-transform

    .text
    .literal_position
    .balign 4
    .global _start
_start:
    movi    a2, 0x0f            /* PS: kernel mode, EXCM clear (exceptions reach the vectors), interrupts masked */
    wsr     a2, ps
    rsync
    movi    a2, _vectors
    wsr     a2, vecbase
    rsync
    movi    a1, __stack_top

    movi    a2, __data_load     /* copy .data from ROM */
    movi    a3, __data_start
    movi    a4, __data_end
1:  bgeu    a3, a4, 2f
    l32i    a5, a2, 0
    s32i    a5, a3, 0
    addi    a2, a2, 4
    addi    a3, a3, 4
    j       1b
2:  movi    a3, __bss_start     /* zero .bss */
    movi    a4, __bss_end
    movi    a5, 0
3:  bgeu    a3, a4, 4f
    s32i    a5, a3, 0
    addi    a3, a3, 4
    j       3b

4:  movi    a0, main
    callx0  a0
    movi    a0, exit            /* exit(main()): flushes the output, then SYS_exit */
    callx0  a0
    mov     a3, a2              /* not reached */
    movi    a2, SYS_EXIT
    simcall
5:  j       5b

    .balign 4
_fault:                         /* a2: 0 exception, 1 double exception, 2 debug/level 2, 3 NMI/level 3 */
    rsr     a3, exccause
    rsr     a4, epc1
    bnei    a2, 1, 6f
    rsr     a4, depc
6:  rsr     a5, excvaddr
    movi    a1, __stack_top
    movi    a0, xt_fault
    callx0  a0
7:  j       7b
