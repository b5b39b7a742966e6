/* Linked into the GL programs of sanitizer builds only (CMakeLists.txt): a dlclose that keeps
 * every shared library loaded. Mesa unloads its llvmpipe driver (swrast_dri.so) when GLFW closes
 * the X display, before LeakSanitizer checks at exit. Blocks that the driver allocated once are
 * then no longer referenced from its globals and are reported as leaks. Their stacks start in the
 * unloaded driver, which has no frame pointers, so they can be neither symbolized nor suppressed.
 * With the driver still mapped its globals reference them, as in a process that exits without
 * closing the display, and a leak that Mesa really makes stays reported with symbols. spinemark's
 * own code loads no library with dlopen. */
int dlclose(void* handle)
{
  (void)handle;
  return 0;
}
