// Exports whose names a cache key of the form `${url}#${name}` cannot tell apart once this module
// is also listed with a `#x` fragment: (url, "x#y") and (url#x, "y") (issue #16, item 6).
export function y(): string {
  return "y";
}
function b(): string {
  return "b";
}
export { b as "x#y" };
