// source/app/style.ts
function colorEnabled(stream, env = process.env) {
  if (env.FORCE_COLOR !== void 0 && env.FORCE_COLOR !== "") return env.FORCE_COLOR !== "0";
  if (env.NO_COLOR) return false;
  if (env.TERM === "dumb") return false;
  return Boolean(stream.isTTY);
}
function makeStyle(enabled) {
  const wrap = (open, close) => (text) => enabled ? `\x1B[${open}m${text}\x1B[${close}m` : text;
  return {
    bold: wrap("1", "22"),
    dim: wrap("2", "22"),
    red: wrap("31", "39"),
    yellow: wrap("33", "39"),
    green: wrap("32", "39"),
    cyan: wrap("36", "39")
  };
}

export {
  colorEnabled,
  makeStyle
};
