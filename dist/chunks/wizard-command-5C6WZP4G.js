import {
  revertNamespace
} from "./chunk-CTROZ5RA.js";
import {
  findingMessage,
  migrateNamespace,
  previewLines,
  resourceLabel,
  wrapText
} from "./chunk-GWLMTUGH.js";
import {
  ApplyStopped,
  newState,
  openMigrationSession,
  progress,
  recordPlan,
  statePath
} from "./chunk-PY7GAIW3.js";
import {
  planMigration
} from "./chunk-RL7YLADG.js";
import "./chunk-ISJ5NZQH.js";
import {
  auditInventory,
  readinessLabel
} from "./chunk-GZO3AIBA.js";
import {
  AUDIT_KINDS,
  dataplaneMode,
  findControlPlanes,
  podsByNamespace
} from "./chunk-VOHJU6GF.js";
import {
  BACKUP_KINDS,
  buildBackup,
  latestBackupFor,
  writeBackup
} from "./chunk-BHLIGX4B.js";
import {
  itemsOf,
  loadInventory
} from "./chunk-ODE5LSI6.js";
import "./chunk-MSTYNHIA.js";
import {
  openCluster
} from "./chunk-PDGQ4KIV.js";
import "./chunk-KOEXQVHC.js";

// source/app/wizard-command.tsx
import { render } from "ink";

// source/ui/wizard/wizard.tsx
import { Box as Box12, Text as Text13, useApp } from "ink";
import { useCallback as useCallback3, useEffect as useEffect8, useRef as useRef4, useState as useState3 } from "react";

// source/ui/wizard/components/use-keys.tsx
import { useInput } from "ink";
import { createContext, useCallback, useContext, useLayoutEffect, useMemo, useRef } from "react";
import { jsx } from "react/jsx-runtime";
var RouterContext = createContext(void 0);
var isPrintable = (letter) => letter >= " " && letter !== "\x7F";
function KeyRouter({ onKey, children }) {
  const entries = useRef(/* @__PURE__ */ new Set());
  const global = useRef(onKey);
  useLayoutEffect(() => {
    global.current = onKey;
  });
  const route = useCallback((input, key) => {
    if (global.current(input, key)) return;
    for (const entry of [...entries.current]) {
      if (entries.current.has(entry) && entry.current.isActive) entry.current.handler(input, key);
    }
  }, []);
  const routeEach = useCallback(
    (input, key) => {
      const letters = [...input];
      if (letters.length < 2 || key.ctrl || key.meta || !letters.every(isPrintable)) return route(input, key);
      for (const letter of letters) route(letter, { ...key, shift: /[A-Z]/.test(letter) });
    },
    [route]
  );
  useInput(routeEach);
  const router = useMemo(
    () => ({
      register(entry) {
        entries.current.add(entry);
        return () => void entries.current.delete(entry);
      }
    }),
    []
  );
  return /* @__PURE__ */ jsx(RouterContext.Provider, { value: router, children });
}
function useKeys(handler, { isActive = true } = {}) {
  const router = useContext(RouterContext);
  if (!router) throw new Error("useKeys needs a KeyRouter above it");
  const latest = useRef({ handler, isActive });
  useLayoutEffect(() => {
    latest.current = { handler, isActive };
  });
  useLayoutEffect(() => router.register(latest), [router]);
}

// source/ui/wizard/components/use-sync-reducer.ts
import { useCallback as useCallback2, useReducer, useRef as useRef2 } from "react";
function useSyncReducer(reducer2, initial) {
  const ref = useRef2(initial);
  const [, rerender] = useReducer((n) => n + 1, 0);
  const send = useCallback2(
    (action) => {
      ref.current = reducer2(ref.current, action);
      rerender();
    },
    [reducer2]
  );
  const latest = useCallback2(() => ref.current, []);
  return [ref.current, send, latest];
}

// source/ui/wizard/screens/apply.tsx
import { Box as Box3, Text as Text4 } from "ink";

// source/ui/wizard/components/menu.tsx
import { Box, Text } from "ink";
import { jsx as jsx2, jsxs } from "react/jsx-runtime";
function menuReducer(index, action) {
  const at = Math.min(index, action.count - 1);
  if (action.type === "up") return Math.max(0, at - 1);
  return Math.max(0, Math.min(action.count - 1, at + 1));
}
function Menu({ items, onSelect, isActive = true }) {
  const [stored, dispatch, latest] = useSyncReducer(menuReducer, 0);
  const clamp = (i) => Math.max(0, Math.min(i, items.length - 1));
  const index = clamp(stored);
  useKeys(
    (input, key) => {
      if (key.upArrow || input === "k") dispatch({ type: "up", count: items.length });
      else if (key.downArrow || input === "j") dispatch({ type: "down", count: items.length });
      else if (key.return && items[clamp(latest())]) onSelect(items[clamp(latest())].value);
    },
    { isActive }
  );
  return /* @__PURE__ */ jsx2(Box, { flexDirection: "column", children: items.map((item, i) => /* @__PURE__ */ jsxs(Box, { children: [
    /* @__PURE__ */ jsx2(Text, { color: i === index ? "cyan" : void 0, children: i === index ? "\u276F " : "  " }),
    /* @__PURE__ */ jsx2(Text, { bold: i === index, children: item.label }),
    item.hint && /* @__PURE__ */ jsx2(Text, { dimColor: true, children: `  ${item.hint}` })
  ] }, item.value)) });
}

// source/ui/wizard/screens/run.tsx
import { Box as Box2, Text as Text3 } from "ink";

// source/ui/wizard/components/status-line.tsx
import { Text as Text2 } from "ink";
import { useEffect, useState } from "react";
import { jsx as jsx3, jsxs as jsxs2 } from "react/jsx-runtime";
var FRAMES = ["\u280B", "\u2819", "\u2839", "\u2838", "\u283C", "\u2834", "\u2826", "\u2827", "\u2807", "\u280F"];
function Working({ label, since }) {
  const [now, setNow] = useState(Date.now());
  const [start] = useState(since ?? Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.floor((now - start) / 1e3));
  return /* @__PURE__ */ jsxs2(Text2, { children: [
    /* @__PURE__ */ jsx3(Text2, { color: "cyan", children: FRAMES[Math.floor(now / 100) % FRAMES.length] }),
    " ",
    label,
    " ",
    /* @__PURE__ */ jsx3(Text2, { dimColor: true, children: `${seconds}s` })
  ] });
}

// source/ui/wizard/screens/run.tsx
import { jsx as jsx4, jsxs as jsxs3 } from "react/jsx-runtime";
function RunProgress({ run, verb, height }) {
  const width = 30;
  const filled = run.total > 0 ? Math.round(Math.min(run.done, run.total) / run.total * width) : 0;
  const logLines = Math.max(1, height - 6);
  return /* @__PURE__ */ jsxs3(Box2, { flexDirection: "column", children: [
    /* @__PURE__ */ jsxs3(Text3, { children: [
      /* @__PURE__ */ jsx4(Text3, { color: "green", children: "\u2588".repeat(filled) }),
      /* @__PURE__ */ jsx4(Text3, { dimColor: true, children: "\u2591".repeat(width - filled) }),
      " ",
      run.done,
      "/",
      run.total || "?",
      " operations \xB7 ",
      run.namespaces.join(", ")
    ] }),
    (run.status === "running" || run.status === "stopping") && /* @__PURE__ */ jsx4(Box2, { flexDirection: "column", children: /* @__PURE__ */ jsx4(Working, { label: run.status === "stopping" ? "stopping after the current operation\u2026" : run.waiting ? `waiting for ${run.waiting}` : `${verb} ${run.current ?? ""}`, since: run.startedAt }) }),
    /* @__PURE__ */ jsx4(Box2, { flexDirection: "column", marginTop: 1, children: run.log.slice(-logLines).map((line, i) => /* @__PURE__ */ jsx4(Text3, { dimColor: line.startsWith("="), color: line.startsWith("\u21BB") ? "yellow" : void 0, wrap: "truncate-end", children: line }, i)) })
  ] });
}

// source/ui/wizard/screens/apply.tsx
import { jsx as jsx5, jsxs as jsxs4 } from "react/jsx-runtime";
function applyKeys(state) {
  if (state.apply.status === "running") return [{ key: "p", label: "pause (stop after this operation)" }];
  if (state.apply.status === "done") return [{ key: "enter", label: "continue" }];
  if (state.apply.status === "failed") return [
    { key: "\u2191\u2193", label: "choose" },
    { key: "enter", label: "confirm" }
  ];
  return [];
}
function ApplyScreen({ state, dispatch, actions, height, active }) {
  const run = state.apply;
  useKeys(
    (input, key) => {
      if (run.status === "running" && input === "p") actions.stop("apply");
      else if (run.status === "done" && key.return) dispatch({ type: "go", screen: "done" });
    },
    { isActive: active }
  );
  const failedNamespace = run.result && !run.result.ok ? run.result.namespace : void 0;
  const others = run.namespaces.filter((n) => n !== failedNamespace);
  return /* @__PURE__ */ jsxs4(Box3, { flexDirection: "column", children: [
    /* @__PURE__ */ jsx5(RunProgress, { run, verb: "applying", height: height - (run.status === "failed" ? 7 : 2) }),
    run.status === "done" && /* @__PURE__ */ jsxs4(Box3, { flexDirection: "column", marginTop: 1, children: [
      run.result?.message.split("\n").map((line, i) => /* @__PURE__ */ jsxs4(Text4, { color: "green", wrap: "truncate-end", children: [
        "\u2714 ",
        line
      ] }, i)),
      /* @__PURE__ */ jsx5(Text4, { dimColor: true, children: "Press enter for the summary and what is left to do." })
    ] }),
    run.status === "failed" && /* @__PURE__ */ jsxs4(Box3, { flexDirection: "column", marginTop: 1, children: [
      /* @__PURE__ */ jsxs4(Text4, { color: "red", wrap: "wrap", children: [
        "Stopped: ",
        run.result?.message
      ] }),
      /* @__PURE__ */ jsx5(Text4, { dimColor: true, children: "The state file records every write so far." }),
      /* @__PURE__ */ jsx5(
        Menu,
        {
          items: [
            { value: "retry", label: "Retry", hint: "run again from where it stopped" },
            ...failedNamespace && others.length > 0 ? [{ value: "skip", label: `Skip ${failedNamespace}`, hint: `continue with ${others.join(", ")}` }] : [],
            ...failedNamespace ? [{ value: "revert", label: `Revert ${failedNamespace}`, hint: "put it back as it was" }] : []
          ],
          isActive: active,
          onSelect: (choice) => {
            if (choice === "retry") actions.apply(run.namespaces);
            else if (choice === "skip") actions.apply(others);
            else if (failedNamespace) {
              dispatch({ type: "go", screen: "revert" });
              actions.revert([failedNamespace]);
            }
          }
        }
      )
    ] })
  ] });
}

// source/ui/wizard/screens/backup.tsx
import { Box as Box4, Text as Text5 } from "ink";
import { useEffect as useEffect2 } from "react";
import { jsx as jsx6, jsxs as jsxs5 } from "react/jsx-runtime";
var hasEarlierBackup = (state) => state.session.status === "ready" && Boolean(state.session.value.latestBackup);
function backupKeys(state) {
  if (state.backup.status === "ready") return [{ key: "enter", label: "continue" }];
  if (state.backup.status === "loading" || state.backupPreview.status !== "ready") return [];
  return [{ key: "enter", label: "back up now" }, ...hasEarlierBackup(state) ? [{ key: "s", label: "skip (use the existing backup)" }] : []];
}
function BackupScreen({ state, dispatch, actions, height, active }) {
  useEffect2(() => {
    if (state.backupPreview.status === "idle") actions.loadBackupPreview();
  }, [state.backupPreview.status, actions]);
  useKeys((input, key) => {
    if (state.backup.status === "ready") {
      if (key.return) dispatch({ type: "go", screen: "verify" });
      return;
    }
    if (state.backup.status === "loading" || state.backupPreview.status !== "ready") return;
    if (key.return) actions.runBackup();
    else if (input === "s" && hasEarlierBackup(state)) dispatch({ type: "go", screen: "verify" });
  }, { isActive: active });
  if (state.backupPreview.status === "idle" || state.backupPreview.status === "loading") return /* @__PURE__ */ jsx6(Working, { label: "Counting what will be saved\u2026" });
  if (state.backupPreview.status === "error") return /* @__PURE__ */ jsxs5(Text5, { color: "red", children: [
    "Cannot read the cluster: ",
    state.backupPreview.message
  ] });
  const preview = state.backupPreview.value;
  const rows = Math.max(3, height - 8);
  const shown = preview.kinds.slice(0, rows);
  const width = Math.max(...preview.kinds.map((k) => k.name.length), 10);
  return /* @__PURE__ */ jsxs5(Box4, { flexDirection: "column", children: [
    /* @__PURE__ */ jsxs5(Text5, { children: [
      "The backup saves ",
      /* @__PURE__ */ jsx6(Text5, { bold: true, children: preview.total }),
      " objects the migration may touch, as YAML that ",
      /* @__PURE__ */ jsx6(Text5, { color: "cyan", children: "kubectl apply -f" }),
      " restores (never Secret data):"
    ] }),
    /* @__PURE__ */ jsxs5(Box4, { flexDirection: "column", marginTop: 1, marginLeft: 2, children: [
      shown.map((k) => /* @__PURE__ */ jsxs5(Text5, { children: [
        k.name.padEnd(width),
        " ",
        /* @__PURE__ */ jsx6(Text5, { bold: true, children: String(k.count).padStart(5) })
      ] }, k.name)),
      preview.kinds.length > shown.length && /* @__PURE__ */ jsxs5(Text5, { dimColor: true, children: [
        "\u2026and ",
        preview.kinds.length - shown.length,
        " more kinds"
      ] })
    ] }),
    /* @__PURE__ */ jsxs5(Box4, { marginTop: 1, flexDirection: "column", children: [
      state.backup.status === "idle" && hasEarlierBackup(state) && /* @__PURE__ */ jsxs5(Text5, { dimColor: true, children: [
        "An earlier backup of this cluster exists: ",
        state.session.status === "ready" ? state.session.value.latestBackup : ""
      ] }),
      state.backup.status === "loading" && /* @__PURE__ */ jsx6(Working, { label: "Backing up\u2026" }),
      state.backup.status === "error" && /* @__PURE__ */ jsxs5(Text5, { color: "red", children: [
        "The backup failed: ",
        state.backup.message,
        ". Press enter to try again."
      ] }),
      state.backup.status === "ready" && /* @__PURE__ */ jsxs5(Text5, { color: "green", children: [
        "\u2714 Saved ",
        state.backup.value.total,
        " objects to ",
        state.backup.value.path,
        " (readable by you only)"
      ] })
    ] })
  ] });
}

// source/ui/wizard/screens/blockers.tsx
import { Box as Box5, Text as Text6 } from "ink";
import { useReducer as useReducer2 } from "react";

// source/ui/wizard/components/window.ts
function visibleWindow(total, cursor, height) {
  if (total <= height) return { start: 0, end: total };
  const half = Math.floor(height / 2);
  const start = Math.max(0, Math.min(cursor - half, total - height));
  return { start, end: start + height };
}

// source/ui/wizard/screens/blockers.tsx
import { jsx as jsx7, jsxs as jsxs6 } from "react/jsx-runtime";
var SEVERITY = {
  blocker: { title: "Blockers", color: "red" },
  warning: { title: "Limitations and warnings", color: "yellow" },
  info: { title: "To convert and to know", color: "cyan" }
};
function blockersKeys() {
  return [
    { key: "\u2191\u2193", label: "move" },
    { key: "space", label: "details" },
    { key: "enter", label: "choose namespaces" }
  ];
}
function findingRows(findings) {
  const rows = [];
  let index = 0;
  for (const severity of ["blocker", "warning", "info"]) {
    const group = findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    rows.push({ type: "heading", severity, count: group.length });
    for (const finding of group) rows.push({ type: "finding", finding, index: index++ });
  }
  return rows;
}
function viewReducer(view, action) {
  if (action.type === "toggle") return { ...view, open: view.open === view.cursor ? void 0 : view.cursor };
  const cursor = action.type === "up" ? Math.max(0, view.cursor - 1) : Math.min(action.count - 1, view.cursor + 1);
  return { ...view, cursor };
}
function BlockersScreen({ state, dispatch, height, active }) {
  const [view, send] = useReducer2(viewReducer, { cursor: 0, open: void 0 });
  const findings = state.audit.status === "ready" ? state.audit.value.findings : [];
  useKeys((input, key) => {
    if (key.upArrow || input === "k") send({ type: "up", count: findings.length });
    else if (key.downArrow || input === "j") send({ type: "down", count: findings.length });
    else if (input === " ") send({ type: "toggle" });
    else if (key.return) dispatch({ type: "go", screen: "choose" });
  }, { isActive: active });
  if (state.audit.status !== "ready") return /* @__PURE__ */ jsx7(Text6, { dimColor: true, children: "No audit yet: go back to Verify." });
  if (findings.length === 0) return /* @__PURE__ */ jsx7(Text6, { color: "green", children: "Nothing stands in the way. Press enter to choose namespaces." });
  const rows = findingRows(findings);
  const cursorRow = rows.findIndex((r) => r.type === "finding" && r.index === view.cursor);
  const open = view.open !== void 0 ? findings[view.open] : void 0;
  const detailLines = open ? 4 + open.remedy.split("\n").length : 0;
  const { start, end } = visibleWindow(rows.length, cursorRow, Math.max(3, height - 1 - detailLines));
  return /* @__PURE__ */ jsx7(Box5, { flexDirection: "column", children: rows.slice(start, end).map((row, i) => {
    if (row.type === "heading") {
      const s = SEVERITY[row.severity];
      return /* @__PURE__ */ jsxs6(Text6, { bold: true, color: s.color, children: [
        s.title,
        " (",
        row.count,
        ")"
      ] }, `h-${row.severity}`);
    }
    const f = row.finding;
    const selected = row.index === view.cursor;
    return /* @__PURE__ */ jsxs6(Box5, { flexDirection: "column", children: [
      /* @__PURE__ */ jsxs6(Text6, { wrap: "truncate-end", children: [
        /* @__PURE__ */ jsx7(Text6, { color: selected ? "cyan" : void 0, children: selected ? "\u276F " : "  " }),
        /* @__PURE__ */ jsxs6(Text6, { color: SEVERITY[f.severity].color, children: [
          "[",
          f.id,
          "]"
        ] }),
        " ",
        /* @__PURE__ */ jsxs6(Text6, { dimColor: true, children: [
          "(",
          resourceLabel(f),
          ")"
        ] }),
        " ",
        findingMessage(f)
      ] }),
      view.open === row.index && /* @__PURE__ */ jsxs6(Box5, { flexDirection: "column", marginLeft: 4, children: [
        /* @__PURE__ */ jsx7(Text6, { wrap: "wrap", children: findingMessage(f) }),
        /* @__PURE__ */ jsxs6(Text6, { dimColor: true, wrap: "truncate-end", children: [
          "namespaces: ",
          f.namespaces.join(", ") || "(mesh infrastructure)",
          f.field ? ` \xB7 field ${f.field}` : ""
        ] }),
        f.remedy.split("\n").map((line, n) => /* @__PURE__ */ jsxs6(Text6, { color: "cyan", wrap: "wrap", children: [
          n === 0 ? "fix: " : "     ",
          line
        ] }, n))
      ] })
    ] }, `f-${start + i}`);
  }) });
}

// source/ui/wizard/screens/choose.tsx
import { Box as Box6, Text as Text7 } from "ink";
import { useEffect as useEffect3, useLayoutEffect as useLayoutEffect2, useMemo as useMemo2 } from "react";
import { jsx as jsx8, jsxs as jsxs7 } from "react/jsx-runtime";
function chooseKeys(state) {
  return [
    { key: "\u2191\u2193", label: "move" },
    { key: "space", label: "select" },
    ...state.selected.length ? [{ key: "enter", label: `preview ${state.selected.length}` }] : [],
    { key: "a", label: "select all ready" },
    { key: "/", label: "filter" },
    { key: "pgup pgdn", label: "a page up or down", helpOnly: true },
    { key: "home end", label: "the first or the last namespace", helpOnly: true }
  ];
}
var FILTER_KEYS = [
  { key: "type", label: "filter by name" },
  { key: "enter", label: "keep the filter" },
  { key: "esc", label: "clear" }
];
var canMove = (n, system) => (n.readiness === "ready" || n.readiness === "needs-waypoint") && !system.has(n.name);
function whyNot(n, system) {
  if (n.readiness === "done") return "it already runs in ambient mode";
  if (n.readiness === "blocked") return `blocked by ${n.reasons.join(", ")} (see Blockers)`;
  if (system.has(n.name)) return "it runs Kubernetes or Istio itself, which stays out of the mesh";
  return "";
}
function viewReducer2(view, action) {
  switch (action.type) {
    case "up":
      return { ...view, cursor: Math.max(0, view.cursor - 1) };
    case "down":
      return { ...view, cursor: Math.max(0, Math.min(action.count - 1, view.cursor + 1)) };
    case "page-up":
      return { ...view, cursor: Math.max(0, view.cursor - action.page) };
    case "page-down":
      return { ...view, cursor: Math.max(0, Math.min(action.count - 1, view.cursor + action.page)) };
    case "first":
      return { ...view, cursor: 0 };
    case "last":
      return { ...view, cursor: Math.max(0, action.count - 1) };
    case "filter-start":
      return { ...view, filtering: true };
    case "filter-end":
      return { ...view, filtering: false };
    case "filter-clear":
      return { cursor: 0, filter: "", filtering: false };
    case "filter-type":
      return { ...view, filter: view.filter + action.text, cursor: 0 };
    case "filter-delete":
      return { ...view, filter: view.filter.slice(0, -1), cursor: 0 };
  }
}
var READINESS_COLOR = { ready: "green", "needs-waypoint": "yellow", blocked: "red", done: "cyan" };
function ChooseScreen({ state, dispatch, actions, height, width, active, setModal }) {
  const [view, send, latest] = useSyncReducer(viewReducer2, { cursor: 0, filter: "", filtering: false });
  useEffect3(() => {
    if (state.audit.status === "idle") actions.loadAudit();
  }, [state.audit.status, actions]);
  const sendView = (action) => {
    send(action);
    setModal(latest().filtering ? FILTER_KEYS : void 0);
  };
  useLayoutEffect2(() => () => setModal(void 0), [setModal]);
  const all = state.audit.status === "ready" ? state.audit.value.namespaces : [];
  const system = useMemo2(() => new Set(state.audit.status === "ready" ? state.audit.value.cluster.systemNamespaces : []), [state.audit]);
  const selectable = (n) => canMove(n, system);
  const shownReadiness = (n) => readinessLabel(n, system);
  const shown = useMemo2(() => view.filter ? all.filter((n) => n.name.includes(view.filter)) : all, [all, view.filter]);
  const listHeight = Math.max(3, height - 4);
  const selected = new Set(state.selected);
  useKeys(
    (input, key) => {
      const now = latest();
      if (now.filtering) {
        if (key.return || key.escape) sendView({ type: key.escape ? "filter-clear" : "filter-end" });
        else if (key.backspace || key.delete) sendView({ type: "filter-delete" });
        else if (input && !key.ctrl && !key.meta) sendView({ type: "filter-type", text: input });
        return;
      }
      const list = now.filter === view.filter ? shown : all.filter((n) => n.name.includes(now.filter));
      const count = list.length;
      if (key.upArrow || input === "k") sendView({ type: "up", count, page: listHeight });
      else if (key.downArrow || input === "j") sendView({ type: "down", count, page: listHeight });
      else if (key.pageUp) sendView({ type: "page-up", count, page: listHeight });
      else if (key.pageDown) sendView({ type: "page-down", count, page: listHeight });
      else if (key.home || input === "g") sendView({ type: "first", count, page: listHeight });
      else if (key.end || input === "G") sendView({ type: "last", count, page: listHeight });
      else if (input === "/") sendView({ type: "filter-start" });
      else if (input === " ") {
        const ns = list[now.cursor];
        if (ns && selectable(ns)) dispatch({ type: "toggle-selected", namespace: ns.name });
      } else if (input === "a") {
        dispatch({ type: "add-selected", namespaces: list.filter((n) => n.readiness === "ready" && n.mode !== "none" && selectable(n)).map((n) => n.name) });
      } else if (key.escape) {
        if (now.filter) sendView({ type: "filter-clear" });
        else dispatch({ type: "back" });
      } else if (key.return) actions.planSelected();
    },
    { isActive: active }
  );
  if (state.audit.status !== "ready") return /* @__PURE__ */ jsx8(Text7, { dimColor: true, children: "Reading the namespaces\u2026" });
  const { start, end } = visibleWindow(shown.length, view.cursor, listHeight);
  const nameWidth = Math.min(Math.max(12, ...shown.slice(start, end).map((n) => n.name.length)), Math.floor(width / 3));
  const current = shown[view.cursor];
  return /* @__PURE__ */ jsxs7(Box6, { flexDirection: "column", children: [
    /* @__PURE__ */ jsx8(Text7, { dimColor: true, children: `${"   "}${"NAME".padEnd(nameWidth)}  ${"MODE".padEnd(8)}${"READINESS".padEnd(16)}REASONS` }),
    shown.slice(start, end).map((n, i) => {
      const index = start + i;
      const can = selectable(n);
      return /* @__PURE__ */ jsxs7(Text7, { wrap: "truncate-end", dimColor: !can, children: [
        /* @__PURE__ */ jsx8(Text7, { color: index === view.cursor ? "cyan" : void 0, children: index === view.cursor ? "\u276F" : " " }),
        selected.has(n.name) ? /* @__PURE__ */ jsx8(Text7, { color: "green", children: "\u25C9 " }) : /* @__PURE__ */ jsx8(Text7, { children: can ? "\u25EF " : "  " }),
        n.name.padEnd(nameWidth),
        "  ",
        n.mode.padEnd(8),
        /* @__PURE__ */ jsx8(Text7, { color: READINESS_COLOR[shownReadiness(n)], children: shownReadiness(n).padEnd(16) }),
        n.reasons.join(", ")
      ] }, n.name);
    }),
    /* @__PURE__ */ jsx8(Box6, { marginTop: 1, children: view.filtering || view.filter ? /* @__PURE__ */ jsxs7(Text7, { children: [
      "filter: ",
      /* @__PURE__ */ jsx8(Text7, { color: "cyan", children: view.filter }),
      view.filtering ? /* @__PURE__ */ jsx8(Text7, { inverse: true, children: " " }) : "",
      /* @__PURE__ */ jsx8(Text7, { dimColor: true, children: `  ${shown.length} of ${all.length}${view.filtering ? "" : " \xB7 esc clears"}` })
    ] }) : current && !selectable(current) ? /* @__PURE__ */ jsxs7(Text7, { color: READINESS_COLOR[shownReadiness(current)] ?? "yellow", wrap: "truncate-end", children: [
      current.name,
      " cannot be selected: ",
      whyNot(current, system)
    ] }) : /* @__PURE__ */ jsxs7(Text7, { dimColor: true, children: [
      selected.size,
      " selected \xB7 ",
      all.filter(selectable).length,
      " of ",
      all.length,
      " can move"
    ] }) })
  ] });
}

// source/ui/wizard/screens/connect.tsx
import { Box as Box7, Text as Text8 } from "ink";

// source/core/guide-steps.ts
var GUIDE_STEPS = [
  { id: "backup", title: "Back up", summary: "Save every Istio, Gateway API and namespace object the migration may touch" },
  { id: "verify", title: "Verify the environment", summary: "Istio version, ambient profile, ztunnel, istio-cni, Gateway API CRDs, HBONE-ready sidecars" },
  { id: "blockers", title: "Blockers and limitations", summary: "VM workloads, SPIRE, PeerAuthentication DISABLE, primary-remote, EnvoyFilters, waypoint bypass" },
  { id: "choose", title: "Choose namespaces", summary: "Pick the namespaces to move, with their readiness" },
  { id: "preview", title: "Preview", summary: "Waypoints, HTTPRoutes, per-version Services, targetRefs policies, labels, restarts" },
  { id: "apply", title: "Apply", summary: "Per namespace in the guide order, journaled, resumable" },
  { id: "revert", title: "Revert", summary: "Put any namespace back exactly as it was" },
  { id: "done", title: "Done", summary: "What changed and the follow-ups the guide leaves to you" }
];

// source/ui/wizard/screens/connect.tsx
import { jsx as jsx9, jsxs as jsxs8 } from "react/jsx-runtime";
function Field({ label, children }) {
  return /* @__PURE__ */ jsxs8(Box7, { children: [
    /* @__PURE__ */ jsx9(Box7, { width: 13, flexShrink: 0, children: /* @__PURE__ */ jsx9(Text8, { dimColor: true, children: label }) }),
    /* @__PURE__ */ jsx9(Text8, { wrap: "truncate-end", children })
  ] });
}
function unfinished(state) {
  if (state.session.status !== "ready") return [];
  return (state.session.value.recorded?.namespaces ?? []).filter((n) => n.status === "applying" || n.status === "failed" || n.status === "planned").map((n) => n.name);
}
function unfinishedReverts(state) {
  if (state.session.status !== "ready") return [];
  return (state.session.value.recorded?.namespaces ?? []).filter((n) => n.status === "reverting").map((n) => n.name);
}
function connectKeys(state) {
  if (state.session.status === "error") return [{ key: "r", label: "try again" }];
  if (state.session.status !== "ready") return [];
  return [
    { key: "\u2191\u2193", label: "choose" },
    { key: "enter", label: "confirm" }
  ];
}
function ConnectScreen({ state, dispatch, actions, active }) {
  useKeys(
    (input) => {
      if (state.session.status === "error" && input === "r") actions.loadSession();
    },
    { isActive: active }
  );
  if (state.session.status === "idle" || state.session.status === "loading") return /* @__PURE__ */ jsx9(Working, { label: "Connecting to the cluster\u2026" });
  if (state.session.status === "error") {
    return /* @__PURE__ */ jsxs8(Box7, { flexDirection: "column", children: [
      /* @__PURE__ */ jsxs8(Text8, { color: "red", children: [
        "Cannot use this cluster: ",
        state.session.message
      ] }),
      /* @__PURE__ */ jsx9(Text8, { dimColor: true, children: "Fix it in another terminal, then press r to try again." })
    ] });
  }
  const session = state.session.value;
  const resume = unfinished(state);
  const resumeRevert = unfinishedReverts(state);
  const recorded = session.recorded?.namespaces ?? [];
  const revertable2 = recorded.filter((n) => n.status !== "reverted" && n.done > 0).map((n) => n.name);
  const items = [];
  if (resume.length > 0) items.push({ value: "resume", label: "Resume", hint: `continue ${resume.join(", ")} where it stopped` });
  if (resumeRevert.length > 0) items.push({ value: "resume-revert", label: resume.length > 0 ? "Resume revert" : "Resume", hint: `finish reverting ${resumeRevert.join(", ")}` });
  if (revertable2.length > 0) items.push({ value: "revert", label: "Revert", hint: "undo namespaces the tool changed" });
  items.push(
    recorded.length > 0 ? { value: "start-over", label: "Start over", hint: "keep the old state file under a new name and begin again" } : { value: "start", label: "Start", hint: "back up, verify, choose namespaces" }
  );
  if (recorded.length > 0 && resume.length === 0 && resumeRevert.length === 0) items.push({ value: "start", label: "Migrate more namespaces", hint: "continue with the next step of the guide" });
  const onSelect = (value) => {
    if (value === "resume") {
      dispatch({ type: "go", screen: "apply" });
      actions.apply(resume);
    } else if (value === "resume-revert") {
      dispatch({ type: "go", screen: "revert" });
      actions.revert(resumeRevert);
    } else if (value === "revert") dispatch({ type: "go", screen: "revert" });
    else if (value === "start-over") actions.startOver();
    else dispatch({ type: "go", screen: "backup" });
  };
  return /* @__PURE__ */ jsxs8(Box7, { flexDirection: "column", children: [
    /* @__PURE__ */ jsx9(Field, { label: "Context", children: /* @__PURE__ */ jsx9(Text8, { color: "yellow", bold: true, children: session.context }) }),
    /* @__PURE__ */ jsx9(Field, { label: "Server", children: session.server }),
    /* @__PURE__ */ jsx9(Field, { label: "Kubernetes", children: session.kubernetesVersion }),
    /* @__PURE__ */ jsx9(Field, { label: "Istio", children: session.istio }),
    /* @__PURE__ */ jsx9(Field, { label: "Namespaces", children: `${session.namespaceModes.sidecar} sidecar \xB7 ${session.namespaceModes.ambient} ambient \xB7 ${session.namespaceModes.mixed} mixed \xB7 ${session.namespaceModes.none} no mesh` }),
    /* @__PURE__ */ jsx9(Field, { label: "Workdir", children: session.workdir }),
    /* @__PURE__ */ jsx9(Field, { label: "Backup", children: session.latestBackup ?? "none yet" }),
    state.notice && /* @__PURE__ */ jsx9(Box7, { marginTop: 1, children: /* @__PURE__ */ jsxs8(Text8, { color: "green", wrap: "wrap", children: [
      "\u2714 ",
      state.notice
    ] }) }),
    recorded.length > 0 && /* @__PURE__ */ jsxs8(Box7, { flexDirection: "column", marginTop: 1, children: [
      /* @__PURE__ */ jsxs8(Text8, { bold: true, children: [
        "A migration of this cluster is recorded (last change ",
        session.recorded.updatedAt,
        "):"
      ] }),
      recorded.map((n) => /* @__PURE__ */ jsxs8(Text8, { children: [
        "  ",
        n.name.padEnd(20),
        " ",
        /* @__PURE__ */ jsx9(Text8, { color: n.status === "done" ? "green" : n.status === "failed" ? "red" : "yellow", children: n.status.padEnd(10) }),
        " ",
        `${n.done}/${n.total}`,
        n.next && /* @__PURE__ */ jsx9(Text8, { dimColor: true, children: `  next: ${n.next}` })
      ] }, n.name))
    ] }),
    recorded.length === 0 && /* @__PURE__ */ jsxs8(Box7, { flexDirection: "column", marginTop: 1, children: [
      /* @__PURE__ */ jsx9(Text8, { bold: true, children: "The migration, step by step" }),
      GUIDE_STEPS.map((step, i) => /* @__PURE__ */ jsxs8(Text8, { wrap: "truncate-end", children: [
        /* @__PURE__ */ jsx9(Text8, { color: "cyan", children: `  ${i + 1}. ` }),
        step.title.padEnd(26),
        /* @__PURE__ */ jsx9(Text8, { dimColor: true, children: step.summary })
      ] }, step.id))
    ] }),
    /* @__PURE__ */ jsx9(Box7, { marginTop: 1, children: /* @__PURE__ */ jsx9(Menu, { items, onSelect, isActive: active }) })
  ] });
}

// source/ui/wizard/screens/done.tsx
import { Box as Box8, Text as Text9 } from "ink";
import path from "node:path";
import { jsx as jsx10, jsxs as jsxs9 } from "react/jsx-runtime";
var NEXT_STEPS = [
  "Once every caller of a waypoint namespace is ambient, add the waypoint-bypass DENY (a selector-based policy with from.source.notPrincipals: [the waypoint principal]) so nothing reaches the pods around the waypoint.",
  "For Services reached through the ingress gateway whose waypoint policy must apply, label them istio.io/ingress-use-waypoint=true.",
  'Dashboards and alerts must read reporter="waypoint" (L7) and reporter="source" (ztunnel) instead of the sidecar reporters; scrape application metrics directly, since sidecar metrics merging is gone.'
];
function doneKeys() {
  return [
    { key: "m", label: "migrate more namespaces" },
    { key: "v", label: "revert" }
  ];
}
function DoneScreen({ state, dispatch, actions, active, width }) {
  useKeys((input) => {
    if (input === "m") {
      actions.loadAudit();
      dispatch({ type: "go", screen: "choose" });
    } else if (input === "v") dispatch({ type: "go", screen: "revert" });
  }, { isActive: active });
  const session = state.session.status === "ready" ? state.session.value : void 0;
  const backup = state.backup.status === "ready" ? state.backup.value.path : session?.latestBackup;
  const result = state.apply.result;
  return /* @__PURE__ */ jsxs9(Box8, { flexDirection: "column", children: [
    /* @__PURE__ */ jsx10(Text9, { color: result?.ok === false ? "red" : "green", bold: true, children: result?.ok === false ? "The migration stopped." : `Migrated ${state.apply.namespaces.join(", ") || "nothing yet"} to ambient mode.` }),
    result?.message.split("\n").map((line, i) => /* @__PURE__ */ jsxs9(Text9, { wrap: "truncate-end", children: [
      "  ",
      line
    ] }, i)),
    /* @__PURE__ */ jsxs9(Box8, { flexDirection: "column", marginTop: 1, children: [
      /* @__PURE__ */ jsxs9(Text9, { children: [
        /* @__PURE__ */ jsx10(Text9, { dimColor: true, children: "Backup " }),
        backup ?? "none"
      ] }),
      /* @__PURE__ */ jsxs9(Text9, { children: [
        /* @__PURE__ */ jsx10(Text9, { dimColor: true, children: "State  " }),
        session ? path.join(session.workdir, "state.json") : ""
      ] }),
      /* @__PURE__ */ jsx10(Text9, { dimColor: true, children: "Revert any namespace from here (v) or later with: ambient-migrate revert -n NAMESPACE" })
    ] }),
    /* @__PURE__ */ jsxs9(Box8, { flexDirection: "column", marginTop: 1, children: [
      /* @__PURE__ */ jsx10(Text9, { bold: true, children: "Left to you, as the guide says:" }),
      NEXT_STEPS.map((step, i) => (
        // Wrapped here rather than by Ink, whose wrap keeps the space it breaks at as a line's first
        // character; continuation lines stay indented under the step's text.
        /* @__PURE__ */ jsx10(Box8, { flexDirection: "column", children: wrapText(` ${i + 1}. ${step}`, width, "    ").map((line, n) => /* @__PURE__ */ jsx10(Text9, { children: line }, n)) }, i)
      ))
    ] })
  ] });
}

// source/ui/wizard/screens/preview.tsx
import { Box as Box9, Text as Text10 } from "ink";
import { useLayoutEffect as useLayoutEffect3, useMemo as useMemo3 } from "react";
import { jsx as jsx11, jsxs as jsxs10 } from "react/jsx-runtime";
var warningCount = (state) => state.plan.status === "ready" ? state.plan.value.plan.findings.filter((f) => f.severity !== "info").length : 0;
var blockerCount = (state) => state.plan.status === "ready" ? state.plan.value.plan.findings.filter((f) => f.severity === "blocker").length : 0;
function previewKeys(state) {
  if (state.plan.status !== "ready") return [];
  const keys = [
    { key: "\u2191\u2193 pgup/pgdn", label: "scroll" },
    { key: "n/p", label: "next/previous change" }
  ];
  if (warningCount(state) > 0 && !state.acknowledged) keys.push({ key: "y", label: "acknowledge warnings" });
  if (blockerCount(state) === 0 && (warningCount(state) === 0 || state.acknowledged)) keys.push({ key: "enter", label: "apply" });
  return keys;
}
var CONFIRM_KEYS = [
  { key: "y", label: "apply" },
  { key: "n/esc", label: "not yet" }
];
function viewReducer3(view, action) {
  switch (action.type) {
    case "scroll":
      return { ...view, top: Math.max(0, Math.min(action.max, view.top + action.by)) };
    case "to":
      return { ...view, top: Math.max(0, Math.min(action.max, action.line)) };
    case "confirm":
      return { ...view, confirming: action.on };
  }
}
function PreviewScreen({ state, dispatch, actions, height, width, active, setModal }) {
  const [view, send, latest] = useSyncReducer(viewReducer3, { top: 0, confirming: false });
  const lines = useMemo3(() => state.plan.status === "ready" ? previewLines(state.plan.value.plan, width) : [], [state.plan, width]);
  const sendView = (action) => {
    send(action);
    setModal(latest().confirming ? CONFIRM_KEYS : void 0);
  };
  useLayoutEffect3(() => () => setModal(void 0), [setModal]);
  const pageHeight = Math.max(3, height - 3);
  const max = Math.max(0, lines.length - pageHeight);
  const opStarts = useMemo3(() => lines.flatMap((l, i) => l.op !== void 0 && (i === 0 || lines[i - 1].op !== l.op) ? [i] : []), [lines]);
  const canApply = state.plan.status === "ready" && blockerCount(state) === 0 && (warningCount(state) === 0 || state.acknowledged) && state.plan.value.plan.operations.length > 0;
  useKeys((input, key) => {
    if (state.plan.status !== "ready") return;
    const view2 = latest();
    if (view2.confirming) {
      if (input === "y") {
        sendView({ type: "confirm", on: false });
        dispatch({ type: "go", screen: "apply" });
        actions.apply(state.plan.value.plan.namespaces);
      } else if (input === "n" || key.escape) sendView({ type: "confirm", on: false });
      return;
    }
    if (key.upArrow || input === "k") sendView({ type: "scroll", by: -1, max });
    else if (key.downArrow || input === "j") sendView({ type: "scroll", by: 1, max });
    else if (key.pageUp) sendView({ type: "scroll", by: -pageHeight, max });
    else if (key.pageDown || input === " ") sendView({ type: "scroll", by: pageHeight, max });
    else if (input === "n") sendView({ type: "to", line: opStarts.find((s) => s > view2.top) ?? view2.top, max });
    else if (input === "p") sendView({ type: "to", line: [...opStarts].reverse().find((s) => s < view2.top) ?? 0, max });
    else if (input === "y" && warningCount(state) > 0) dispatch({ type: "acknowledge" });
    else if (key.return && canApply) sendView({ type: "confirm", on: true });
  }, { isActive: active });
  if (state.plan.status === "idle" || state.plan.status === "loading") return /* @__PURE__ */ jsx11(Working, { label: "Planning\u2026" });
  if (state.plan.status === "error") return /* @__PURE__ */ jsxs10(Text10, { color: "red", children: [
    "Planning failed: ",
    state.plan.message
  ] });
  const { plan, refused } = state.plan.value;
  const context = state.session.status === "ready" ? state.session.value.context : "";
  return /* @__PURE__ */ jsxs10(Box9, { flexDirection: "column", children: [
    refused.map((r) => /* @__PURE__ */ jsxs10(Text10, { color: "red", children: [
      "refused: ",
      r.message
    ] }, r.namespace)),
    /* @__PURE__ */ jsx11(Box9, { flexDirection: "column", height: pageHeight - refused.length, overflow: "hidden", children: lines.slice(view.top, view.top + pageHeight - refused.length).map((line, i) => /* @__PURE__ */ jsx11(Text10, { color: line.color, bold: line.bold, dimColor: line.dim, wrap: "truncate-end", children: line.text || " " }, view.top + i)) }),
    /* @__PURE__ */ jsx11(Box9, { marginTop: 1, children: view.confirming ? /* @__PURE__ */ jsxs10(Text10, { color: "yellow", bold: true, children: [
      "Apply ",
      plan.operations.length,
      " operations to ",
      plan.namespaces.join(", "),
      " on context ",
      context,
      "? y apply \xB7 n not yet"
    ] }) : blockerCount(state) > 0 ? /* @__PURE__ */ jsxs10(Text10, { color: "red", children: [
      "The plan has ",
      blockerCount(state),
      " blocker(s) (listed at the end): resolve them and choose again."
    ] }) : warningCount(state) > 0 && !state.acknowledged ? /* @__PURE__ */ jsxs10(Text10, { color: "yellow", children: [
      warningCount(state),
      " warning(s) at the end of the preview: read them, then press y to acknowledge. Lines ",
      view.top + 1,
      "\u2013",
      Math.min(lines.length, view.top + pageHeight),
      " of ",
      lines.length
    ] }) : /* @__PURE__ */ jsxs10(Text10, { dimColor: true, children: [
      plan.operations.length,
      " operations \xB7 lines ",
      view.top + 1,
      "\u2013",
      Math.min(lines.length, view.top + pageHeight),
      " of ",
      lines.length,
      " \xB7 nothing is written until you apply"
    ] }) })
  ] });
}

// source/ui/wizard/screens/revert.tsx
import { Box as Box10, Text as Text11 } from "ink";
import { useLayoutEffect as useLayoutEffect4 } from "react";
import { jsx as jsx12, jsxs as jsxs11 } from "react/jsx-runtime";
function revertable(state) {
  if (state.session.status !== "ready") return [];
  const recorded = state.session.value.recorded?.namespaces ?? [];
  const applied = new Set(state.apply.namespaces);
  const fromRecord = recorded.filter((n) => n.status !== "reverted" && n.done > 0);
  const fromThisRun = [...applied].filter((n) => !fromRecord.some((r) => r.name === n)).map((name) => ({ name, status: "applied", done: 1, total: 1 }));
  return [...fromRecord, ...fromThisRun];
}
var CONFLICT_KEYS = [
  { key: "o", label: "overwrite with the original" },
  { key: "s", label: "skip this object" }
];
function revertKeys(state) {
  if (state.conflict) return CONFLICT_KEYS;
  if (state.revert.status === "running") return [{ key: "p", label: "pause" }];
  if (state.revert.status === "idle") return [
    { key: "\u2191\u2193", label: "move" },
    { key: "space", label: "select" },
    { key: "enter", label: "revert the selected" }
  ];
  return [{ key: "enter", label: "back to the start" }];
}
function viewReducer4(view, action) {
  if (action.type === "toggle") return { ...view, picked: view.picked.includes(action.name) ? view.picked.filter((n) => n !== action.name) : [...view.picked, action.name] };
  return { ...view, cursor: action.type === "up" ? Math.max(0, view.cursor - 1) : Math.min(action.count - 1, view.cursor + 1) };
}
function RevertScreen({ state, dispatch, actions, height, active, setModal }) {
  const candidates = revertable(state);
  const [view, send, latest] = useSyncReducer(viewReducer4, { cursor: 0, picked: [] });
  const run = state.revert;
  useLayoutEffect4(() => {
    setModal(state.conflict ? CONFLICT_KEYS : void 0);
    return () => setModal(void 0);
  }, [state.conflict, setModal]);
  useKeys((input, key) => {
    const view2 = latest();
    if (state.conflict) {
      if (input === "o") actions.answerConflict("overwrite");
      else if (input === "s") actions.answerConflict("skip");
      return;
    }
    if (run.status === "running") {
      if (input === "p") actions.stop("revert");
      return;
    }
    if (run.status === "idle") {
      if (key.upArrow || input === "k") send({ type: "up", count: candidates.length });
      else if (key.downArrow || input === "j") send({ type: "down", count: candidates.length });
      else if (input === " " && candidates[view2.cursor]) send({ type: "toggle", name: candidates[view2.cursor].name });
      else if (key.return && view2.picked.length > 0) actions.revert(view2.picked);
      return;
    }
    if (key.return) {
      actions.loadSession();
      dispatch({ type: "go", screen: "connect" });
    }
  }, { isActive: active });
  if (run.status === "idle") {
    if (candidates.length === 0) return /* @__PURE__ */ jsx12(Text11, { dimColor: true, children: "Nothing to revert: no namespace has changes on record." });
    return /* @__PURE__ */ jsxs11(Box10, { flexDirection: "column", children: [
      /* @__PURE__ */ jsx12(Text11, { children: "Choose the namespaces to put back as they were before ambient-migrate changed them:" }),
      candidates.map((n, i) => /* @__PURE__ */ jsxs11(Text11, { children: [
        /* @__PURE__ */ jsx12(Text11, { color: i === view.cursor ? "cyan" : void 0, children: i === view.cursor ? "\u276F" : " " }),
        view.picked.includes(n.name) ? /* @__PURE__ */ jsx12(Text11, { color: "green", children: "\u25C9 " }) : "\u25EF ",
        n.name.padEnd(24),
        " ",
        /* @__PURE__ */ jsx12(Text11, { dimColor: true, children: `${n.status} ${n.done}/${n.total}` })
      ] }, n.name))
    ] });
  }
  return /* @__PURE__ */ jsxs11(Box10, { flexDirection: "column", children: [
    /* @__PURE__ */ jsx12(RunProgress, { run, verb: "reverting", height: height - 4 }),
    state.conflict && /* @__PURE__ */ jsxs11(Box10, { flexDirection: "column", borderStyle: "round", borderColor: "yellow", paddingX: 1, children: [
      /* @__PURE__ */ jsxs11(Text11, { bold: true, children: [
        state.conflict,
        "."
      ] }),
      /* @__PURE__ */ jsx12(Text11, { children: "Overwrite their change with the recorded original, or skip this object (it is reported)?" })
    ] }),
    run.status === "done" && /* @__PURE__ */ jsxs11(Text11, { color: "green", children: [
      "\u2714 ",
      run.result?.message,
      ". The pods restarted with their sidecars."
    ] }),
    run.status === "failed" && /* @__PURE__ */ jsxs11(Box10, { flexDirection: "column", children: [
      /* @__PURE__ */ jsx12(Text11, { color: "red", children: run.result?.message }),
      run.result?.skipped?.map((s) => /* @__PURE__ */ jsxs11(Text11, { color: "yellow", children: [
        "skipped ",
        s.operationId,
        ": ",
        s.reason
      ] }, s.operationId))
    ] })
  ] });
}

// source/ui/wizard/screens/verify.tsx
import { Box as Box11, Text as Text12 } from "ink";
import { useEffect as useEffect6, useReducer as useReducer3 } from "react";
import { jsx as jsx13, jsxs as jsxs12 } from "react/jsx-runtime";
var MARK = {
  pass: { mark: "\u2714", color: "green" },
  warn: { mark: "!", color: "yellow" },
  fail: { mark: "\u2718", color: "red" },
  unverified: { mark: "?", color: "yellow" }
};
var failing = (state) => state.audit.status === "ready" ? state.audit.value.checks.filter((c) => c.status === "fail").length : 0;
function verifyKeys(state) {
  if (state.audit.status !== "ready") return state.audit.status === "error" ? [{ key: "r", label: "check again" }] : [];
  return [
    { key: "\u2191\u2193", label: "move" },
    { key: "space", label: "show the remedy" },
    { key: "r", label: "check again" },
    ...failing(state) === 0 ? [{ key: "enter", label: "continue" }] : []
  ];
}
var NOTHING_TO_DO = "nothing to do for this check";
function viewReducer5(view, action) {
  switch (action.type) {
    case "up":
      return { ...view, cursor: Math.max(0, view.cursor - 1) };
    case "down":
      return { ...view, cursor: Math.min(action.count - 1, view.cursor + 1) };
    case "toggle":
      return { ...view, open: view.open === view.cursor ? void 0 : view.cursor };
  }
}
function VerifyScreen({ state, dispatch, actions, height, active }) {
  const [view, send] = useReducer3(viewReducer5, { cursor: 0, open: void 0 });
  useEffect6(() => {
    if (state.audit.status === "idle") actions.loadAudit();
  }, [state.audit.status, actions]);
  const checks = state.audit.status === "ready" ? state.audit.value.checks : [];
  useKeys((input, key) => {
    if (input === "r" && state.audit.status !== "loading") actions.loadAudit();
    if (state.audit.status !== "ready") return;
    if (key.upArrow || input === "k") send({ type: "up", count: checks.length });
    else if (key.downArrow || input === "j") send({ type: "down", count: checks.length });
    else if (input === " ") send({ type: "toggle" });
    else if (key.return && failing(state) === 0) dispatch({ type: "go", screen: "blockers" });
  }, { isActive: active });
  if (state.audit.status === "idle" || state.audit.status === "loading") return /* @__PURE__ */ jsx13(Working, { label: "Checking the environment\u2026" });
  if (state.audit.status === "error") return /* @__PURE__ */ jsxs12(Text12, { color: "red", children: [
    "Cannot check the cluster: ",
    state.audit.message,
    ". Press r to try again."
  ] });
  const remedy = view.open !== void 0 ? checks[view.open]?.remedy || NOTHING_TO_DO : void 0;
  const remedyLines = remedy ? remedy.split("\n").length + 1 : 0;
  const { start, end } = visibleWindow(checks.length, view.cursor, Math.max(3, height - 3 - remedyLines));
  const fails = failing(state);
  return /* @__PURE__ */ jsxs12(Box11, { flexDirection: "column", children: [
    checks.slice(start, end).map((check, i) => {
      const index = start + i;
      const { mark, color } = MARK[check.status];
      return /* @__PURE__ */ jsxs12(Box11, { flexDirection: "column", children: [
        /* @__PURE__ */ jsxs12(Text12, { wrap: "truncate-end", children: [
          /* @__PURE__ */ jsx13(Text12, { color: index === view.cursor ? "cyan" : void 0, children: index === view.cursor ? "\u276F " : "  " }),
          /* @__PURE__ */ jsx13(Text12, { color, children: mark }),
          " ",
          /* @__PURE__ */ jsx13(Text12, { dimColor: true, children: check.id.padEnd(26) }),
          " ",
          check.message
        ] }),
        view.open === index && /* @__PURE__ */ jsx13(Box11, { marginLeft: 6, flexDirection: "column", children: check.remedy ? check.remedy.split("\n").map((line, n) => /* @__PURE__ */ jsx13(Text12, { color: "cyan", wrap: "truncate-end", children: line }, n)) : (
          // Space must visibly answer: on a check without a remedy it would otherwise do nothing.
          /* @__PURE__ */ jsx13(Text12, { dimColor: true, children: NOTHING_TO_DO })
        ) })
      ] }, check.id);
    }),
    /* @__PURE__ */ jsx13(Box11, { marginTop: 1, children: fails > 0 ? /* @__PURE__ */ jsxs12(Text12, { color: "red", children: [
      fails,
      " check",
      fails > 1 ? "s fail" : " fails",
      ": run the remedies (space shows them) in another terminal, then press r to check again."
    ] }) : /* @__PURE__ */ jsx13(Text12, { color: "green", children: "The environment is ready for ambient mode. Press enter to see what stands in the way." }) })
  ] });
}

// source/ui/wizard/screens/index.ts
var SCREENS = {
  connect: { component: ConnectScreen, keys: connectKeys },
  backup: { component: BackupScreen, keys: backupKeys },
  verify: { component: VerifyScreen, keys: verifyKeys },
  blockers: { component: BlockersScreen, keys: blockersKeys },
  choose: { component: ChooseScreen, keys: chooseKeys, handlesEscape: true },
  preview: { component: PreviewScreen, keys: previewKeys },
  apply: { component: ApplyScreen, keys: applyKeys },
  revert: { component: RevertScreen, keys: revertKeys },
  done: { component: DoneScreen, keys: doneKeys }
};

// source/ui/wizard/state.ts
var FLOW = ["connect", "backup", "verify", "blockers", "choose", "preview", "apply", "done"];
var SCREEN_TITLES = {
  connect: "Connect",
  backup: "Back up",
  verify: "Verify the environment",
  blockers: "Blockers and limitations",
  choose: "Choose namespaces",
  preview: "Preview",
  apply: "Apply",
  revert: "Revert",
  done: "Done"
};
var idleRun = { status: "idle", namespaces: [], done: 0, total: 0, log: [] };
var initialState = {
  screen: "connect",
  history: [],
  session: { status: "idle" },
  backupPreview: { status: "idle" },
  backup: { status: "idle" },
  audit: { status: "idle" },
  selected: [],
  plan: { status: "idle" },
  acknowledged: false,
  apply: idleRun,
  revert: idleRun,
  overlay: "none"
};
function describe(event, run) {
  if (event.type === "operation-done") {
    const op = event.record.operation;
    const what = `${op.namespace} ${op.step}: ${op.action} ${op.target.kind} ${op.target.name}`;
    if (run === "revert") return event.alreadyDone ? `= skipped (changed by someone else): ${what}` : `\u21A9 undone ${what}`;
    return `${event.alreadyDone ? "= already done:" : "\u2714"} ${what}`;
  }
  if (event.type === "retrying") return `\u21BB ${event.namespace}: retrying (${event.attempt}) ${event.what}`;
  return void 0;
}
function reducer(state, action) {
  switch (action.type) {
    case "go":
      if (action.screen === state.screen) return state;
      return { ...state, screen: action.screen, history: [...state.history, state.screen], overlay: "none", notice: void 0 };
    case "back": {
      if (state.history.length === 0) return state;
      const history = [...state.history];
      const screen = history.pop();
      return { ...state, screen, history, overlay: "none", notice: void 0 };
    }
    case "overlay":
      return { ...state, overlay: action.overlay };
    case "session":
      return { ...state, session: action.value };
    case "backup-preview":
      return { ...state, backupPreview: action.value };
    case "backup":
      return { ...state, backup: action.value };
    case "audit":
      return { ...state, audit: action.value };
    case "select":
      return { ...state, selected: [...action.namespaces].sort(), plan: { status: "idle" }, acknowledged: false };
    case "toggle-selected": {
      const selected = state.selected.includes(action.namespace) ? state.selected.filter((n) => n !== action.namespace) : [...state.selected, action.namespace];
      return reducer(state, { type: "select", namespaces: selected });
    }
    case "add-selected":
      return reducer(state, { type: "select", namespaces: [.../* @__PURE__ */ new Set([...state.selected, ...action.namespaces])] });
    case "plan":
      return { ...state, plan: action.value, acknowledged: false };
    case "acknowledge":
      return { ...state, acknowledged: true };
    case "run-start":
      return { ...state, [action.run]: { status: "running", namespaces: action.namespaces, done: 0, total: action.total, log: [], startedAt: action.at } };
    case "run-event": {
      const run = state[action.run];
      const event = action.event;
      const line = describe(event, action.run);
      const next = { ...run, log: line ? [...run.log, line].slice(-200) : run.log };
      if (event.type === "operation-started") {
        next.current = `${event.record.operation.namespace} ${event.record.operation.step}: ${event.record.operation.action} ${event.record.operation.target.kind} ${event.record.operation.target.name}`;
        next.waiting = void 0;
      }
      if (event.type === "operation-done") next.done = run.done + 1;
      if (event.type === "waiting") next.waiting = event.what;
      return { ...state, [action.run]: next };
    }
    case "run-stop-requested":
      return state[action.run].status === "running" ? { ...state, [action.run]: { ...state[action.run], status: "stopping" } } : state;
    case "run-end":
      return { ...state, [action.run]: { ...state[action.run], status: action.result.ok ? "done" : "failed", result: action.result, current: void 0, waiting: void 0 } };
    case "conflict":
      return { ...state, conflict: action.why };
    case "notice":
      return { ...state, notice: action.text };
  }
}
function isRunning(state) {
  return state.apply.status === "running" || state.apply.status === "stopping" || state.revert.status === "running" || state.revert.status === "stopping";
}

// source/ui/wizard/use-actions.ts
import { useMemo as useMemo4, useRef as useRef3 } from "react";
var message = (error) => error instanceof Error ? error.message : String(error);
function useActions(services, dispatch, getState) {
  const stopFlags = useRef3({ apply: false, revert: false });
  const conflictAnswer = useRef3(void 0);
  return useMemo4(() => {
    const load = (start, set) => {
      set({ status: "loading" });
      start().then(
        (value) => set({ status: "ready", value }),
        (error) => set({ status: "error", message: message(error) })
      );
    };
    const refreshSession = () => {
      services.session().then(
        (value) => dispatch({ type: "session", value: { status: "ready", value } }),
        () => {
        }
      );
    };
    return {
      loadSession: () => load(() => services.session(), (value) => dispatch({ type: "session", value })),
      startOver: () => {
        services.startOver().then(
          (kept) => {
            dispatch({ type: "notice", text: `The previous state file is kept as ${kept}; this is a fresh start.` });
            load(() => services.session(), (value) => dispatch({ type: "session", value }));
          },
          (error) => dispatch({ type: "session", value: { status: "error", message: message(error) } })
        );
      },
      loadBackupPreview: () => load(() => services.backupPreview(), (value) => dispatch({ type: "backup-preview", value })),
      runBackup: () => load(() => services.backup(), (value) => dispatch({ type: "backup", value })),
      loadAudit: () => load(() => services.audit(), (value) => dispatch({ type: "audit", value })),
      plan: (namespaces) => load(() => services.plan(namespaces), (value) => dispatch({ type: "plan", value })),
      planSelected: () => {
        const { selected } = getState();
        if (selected.length === 0) return;
        load(() => services.plan(selected), (value) => dispatch({ type: "plan", value }));
        dispatch({ type: "go", screen: "preview" });
      },
      apply: (namespaces) => {
        const current = getState();
        const total = current.plan.status === "ready" ? current.plan.value.plan.operations.filter((o) => namespaces.includes(o.namespace)).length : 0;
        const recorded = current.session.status === "ready" ? current.session.value.recorded?.namespaces.filter((n) => namespaces.includes(n.name)) : void 0;
        const resumeTotal = recorded?.reduce((n, r) => n + r.total - r.done, 0) ?? 0;
        stopFlags.current.apply = false;
        dispatch({ type: "run-start", run: "apply", namespaces, total: total || resumeTotal, at: Date.now() });
        services.apply(namespaces, { onEvent: (event) => dispatch({ type: "run-event", run: "apply", event }), stopRequested: () => stopFlags.current.apply }).then(
          (result) => dispatch({ type: "run-end", run: "apply", result }),
          (error) => dispatch({ type: "run-end", run: "apply", result: { ok: false, message: message(error) } })
        ).finally(refreshSession);
      },
      revert: (namespaces) => {
        const current = getState();
        const recorded = current.session.status === "ready" ? current.session.value.recorded?.namespaces.filter((n) => namespaces.includes(n.name)) : void 0;
        stopFlags.current.revert = false;
        dispatch({ type: "run-start", run: "revert", namespaces, total: recorded?.reduce((n, r) => n + r.done, 0) ?? 0, at: Date.now() });
        services.revert(namespaces, {
          onEvent: (event) => dispatch({ type: "run-event", run: "revert", event }),
          stopRequested: () => stopFlags.current.revert,
          onConflict: (why) => new Promise((resolve) => {
            conflictAnswer.current = resolve;
            dispatch({ type: "conflict", why });
          })
        }).then(
          (result) => dispatch({ type: "run-end", run: "revert", result }),
          (error) => dispatch({ type: "run-end", run: "revert", result: { ok: false, message: message(error) } })
        ).finally(refreshSession);
      },
      stop: (run) => {
        stopFlags.current[run] = true;
        dispatch({ type: "run-stop-requested", run });
        if (run === "revert" && conflictAnswer.current) {
          const resolve = conflictAnswer.current;
          conflictAnswer.current = void 0;
          dispatch({ type: "conflict", why: void 0 });
          resolve("skip");
        }
      },
      answerConflict: (choice) => {
        const resolve = conflictAnswer.current;
        conflictAnswer.current = void 0;
        dispatch({ type: "conflict", why: void 0 });
        resolve?.(choice);
      }
    };
  }, [services, dispatch, getState]);
}

// source/ui/wizard/use-terminal-size.ts
import { useStdout } from "ink";
import { useEffect as useEffect7, useState as useState2 } from "react";
function useTerminalSize() {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 100, rows: stdout.rows || 30 });
  const [size, setSize] = useState2(read);
  useEffect7(() => {
    const update = () => setSize(read());
    stdout.on("resize", update);
    return () => {
      stdout.off("resize", update);
    };
  }, [stdout]);
  return size;
}

// source/ui/wizard/wizard.tsx
import { jsx as jsx14, jsxs as jsxs13 } from "react/jsx-runtime";
var MIN_COLUMNS = 60;
var MIN_ROWS = 16;
var GLOBAL_KEYS = [
  { key: "esc", label: "back" },
  { key: "?", label: "help" },
  { key: "q", label: "quit" }
];
function footerText(keys, width) {
  const text = (list) => list.map((k) => `${k.key} ${k.label}`).join(" \xB7 ");
  if (text(keys).length <= width) return text(keys);
  const tail = keys.filter((k) => k.key === "?" || k.key === "q");
  const head = keys.filter((k) => !tail.includes(k));
  for (let n = head.length - 1; n >= 0; n--) {
    const line = text([...head.slice(0, n), { key: "\u2026", label: "" }, ...tail]).replace("\u2026 ", "\u2026");
    if (line.length <= width) return line;
  }
  return text(tail).slice(0, width);
}
function Footer({ keys, width }) {
  return /* @__PURE__ */ jsx14(Box12, { children: /* @__PURE__ */ jsx14(Text13, { dimColor: true, wrap: "truncate-end", children: footerText(keys, width) }) });
}
function Help({ keys, width }) {
  return /* @__PURE__ */ jsxs13(Box12, { flexDirection: "column", borderStyle: "round", paddingX: 1, width: Math.min(width, 72), children: [
    /* @__PURE__ */ jsx14(Text13, { bold: true, children: "Keys on this screen" }),
    keys.map((k) => /* @__PURE__ */ jsxs13(Box12, { children: [
      /* @__PURE__ */ jsx14(Box12, { width: 14, flexShrink: 0, children: /* @__PURE__ */ jsx14(Text13, { color: "cyan", children: k.key }) }),
      /* @__PURE__ */ jsx14(Text13, { children: k.label })
    ] }, k.key)),
    /* @__PURE__ */ jsx14(Text13, { dimColor: true, children: "Every write is shown before it happens, recorded in the state file, and can be reverted." }),
    /* @__PURE__ */ jsx14(Text13, { dimColor: true, children: "Press ? or esc to close this help." })
  ] });
}
function QuitConfirm({ running }) {
  return /* @__PURE__ */ jsxs13(Box12, { flexDirection: "column", borderStyle: "round", borderColor: "yellow", paddingX: 1, children: [
    /* @__PURE__ */ jsx14(Text13, { bold: true, children: running ? "A run is in progress." : "Quit the wizard?" }),
    /* @__PURE__ */ jsx14(Text13, { children: running ? "Quit after the current operation? Progress is saved in the state file; start the wizard again to resume." : "Nothing is lost: the state file keeps your progress." }),
    /* @__PURE__ */ jsx14(Text13, { dimColor: true, children: "y quit \xB7 n stay" })
  ] });
}
function Wizard({ services, onExit }) {
  const { exit } = useApp();
  const [state, dispatch, getState] = useSyncReducer(reducer, initialState);
  const actions = useActions(services, dispatch, getState);
  const { columns, rows } = useTerminalSize();
  const [modal, setModalState] = useState3(void 0);
  const modalNow = useRef4(void 0);
  const setModal = useCallback3((keys) => {
    modalNow.current = keys;
    setModalState(keys);
  }, []);
  const quitWhenStopped = useRef4(false);
  useEffect8(() => actions.loadSession(), [actions]);
  const finish = useCallback3(() => {
    onExit?.();
    exit();
  }, [exit, onExit]);
  useEffect8(() => {
    if (quitWhenStopped.current && !isRunning(state)) finish();
  }, [state, finish]);
  const screen = SCREENS[state.screen];
  const screenKeys = screen.keys(state);
  const running = isRunning(state);
  const globalKeys = GLOBAL_KEYS.filter((k) => k.key !== "esc" || state.history.length > 0 && !running);
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const onGlobalKey = (input, key) => {
    const state2 = getState();
    const running2 = isRunning(state2);
    if (key.ctrl && input === "c") {
      if (running2) dispatch({ type: "overlay", overlay: "quit" });
      else finish();
      return true;
    }
    if (state2.overlay === "quit") {
      if (input === "y") {
        if (running2) {
          quitWhenStopped.current = true;
          if (state2.apply.status === "running") actions.stop("apply");
          if (state2.revert.status === "running") actions.stop("revert");
          dispatch({ type: "overlay", overlay: "none" });
        } else finish();
      } else if (input === "n" || key.escape) dispatch({ type: "overlay", overlay: "none" });
      return true;
    }
    if (state2.overlay === "help") {
      if (input === "?" || key.escape || input === "q") dispatch({ type: "overlay", overlay: "none" });
      return true;
    }
    if (tooSmall) {
      if (input === "q") {
        if (running2) dispatch({ type: "overlay", overlay: "quit" });
        else finish();
      }
      return true;
    }
    if (modalNow.current) return false;
    if (input === "?") dispatch({ type: "overlay", overlay: "help" });
    else if (input === "q") {
      if (running2) dispatch({ type: "overlay", overlay: "quit" });
      else finish();
    } else if (key.escape && !SCREENS[state2.screen].handlesEscape && !running2) dispatch({ type: "back" });
    else return false;
    return true;
  };
  const session = state.session.status === "ready" ? state.session.value : void 0;
  const stepIndex = FLOW.indexOf(state.screen);
  const header = /* @__PURE__ */ jsxs13(Box12, { justifyContent: "space-between", children: [
    /* @__PURE__ */ jsxs13(Text13, { wrap: "truncate-end", children: [
      /* @__PURE__ */ jsx14(Text13, { bold: true, color: "cyan", children: "ambient-migrate" }),
      /* @__PURE__ */ jsx14(Text13, { children: " \xB7 " }),
      /* @__PURE__ */ jsx14(Text13, { bold: true, children: SCREEN_TITLES[state.screen] }),
      stepIndex >= 0 && /* @__PURE__ */ jsx14(Text13, { dimColor: true, children: ` (step ${stepIndex + 1} of ${FLOW.length})` })
    ] }),
    session && /* @__PURE__ */ jsxs13(Text13, { wrap: "truncate-start", children: [
      /* @__PURE__ */ jsx14(Text13, { dimColor: true, children: "context " }),
      /* @__PURE__ */ jsx14(Text13, { color: "yellow", bold: true, children: session.context })
    ] })
  ] });
  const tooSmallMessage = /* @__PURE__ */ jsxs13(Box12, { flexDirection: "column", children: [
    /* @__PURE__ */ jsxs13(Text13, { color: "yellow", children: [
      "The terminal is too small (",
      columns,
      "\xD7",
      rows,
      "); the wizard needs at least ",
      MIN_COLUMNS,
      "\xD7",
      MIN_ROWS,
      "."
    ] }),
    /* @__PURE__ */ jsx14(Text13, { dimColor: true, children: "Make the window larger, or press q to quit." }),
    state.overlay === "quit" && /* @__PURE__ */ jsx14(QuitConfirm, { running })
  ] });
  const Body = screen.component;
  const bodyHeight = Math.max(4, rows - 4);
  return /* @__PURE__ */ jsx14(KeyRouter, { onKey: onGlobalKey, children: /* @__PURE__ */ jsxs13(Box12, { flexDirection: "column", width: columns, children: [
    tooSmall ? tooSmallMessage : header,
    /* @__PURE__ */ jsxs13(Box12, { flexDirection: "column", height: bodyHeight, marginTop: 1, overflow: "hidden", display: tooSmall ? "none" : "flex", children: [
      state.overlay === "help" && /* @__PURE__ */ jsx14(Help, { keys: [...screenKeys, ...globalKeys], width: columns }),
      state.overlay === "quit" && /* @__PURE__ */ jsx14(QuitConfirm, { running }),
      /* @__PURE__ */ jsx14(Box12, { flexDirection: "column", display: state.overlay === "none" ? "flex" : "none", children: /* @__PURE__ */ jsx14(Body, { state, dispatch, actions, width: columns, height: bodyHeight, active: state.overlay === "none" && !tooSmall, setModal }) })
    ] }),
    !tooSmall && /* @__PURE__ */ jsx14(Footer, { keys: modal ?? [...screenKeys, ...globalKeys].filter((k) => !k.helpOnly), width: columns })
  ] }) });
}

// source/app/wizard-services.ts
import { existsSync, renameSync } from "node:fs";
import path2 from "node:path";

// source/core/overview.ts
async function readOverview(client) {
  const version = await client.version();
  const inventory = await loadInventory(client, ["namespace", "pod", "deployment"]);
  const pods = podsByNamespace(itemsOf(inventory, "pod"));
  const namespaceModes = { sidecar: 0, ambient: 0, mixed: 0, none: 0 };
  const namespaces = itemsOf(inventory, "namespace");
  for (const namespace of namespaces) namespaceModes[dataplaneMode(namespace, pods.get(namespace.metadata.name) ?? [])]++;
  return {
    context: client.endpoint.context,
    server: client.endpoint.server,
    kubernetesVersion: version.gitVersion,
    controlPlanes: findControlPlanes(itemsOf(inventory, "deployment")),
    namespaceModes,
    namespaceCount: namespaces.length
  };
}

// source/app/wizard-services.ts
var sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function createWizardServices(flags, notify) {
  const session = await openMigrationSession(flags, "wizard", notify, { controllerDelayMs: flags.demo ? 150 : 0 });
  const client = session.connection.client;
  let state = session.state;
  let auditInventoryCache;
  let lastPlan;
  const cluster = () => ({ context: session.identity.context, server: session.identity.server, kubernetesVersion: session.kubernetesVersion });
  const save = () => session.save(state);
  return {
    async session() {
      const overview = await readOverview(client);
      const planes = overview.controlPlanes;
      const recorded = Object.values(state.namespaces).filter((n) => n.operations.some((o) => o.status !== "pending"));
      return {
        context: session.identity.context,
        server: session.identity.server,
        kubernetesVersion: session.kubernetesVersion,
        istio: planes.length ? planes.map((p) => `${p.version ?? "?"} \xB7 revision ${p.revision} (${p.namespace}/${p.deployment})`).join(", ") : "not found (no istiod Deployment)",
        namespaceModes: overview.namespaceModes,
        workdir: session.workdir,
        latestBackup: latestBackupFor(session.workdir, session.identity)?.path,
        recorded: recorded.length ? {
          updatedAt: state.updatedAt,
          namespaces: recorded.map((n) => {
            const p = progress(n);
            return { name: n.name, status: n.status, done: p.done, total: p.total, next: p.current ? `${p.current.operation.step}: ${p.current.operation.action} ${p.current.operation.target.kind} ${p.current.operation.target.name}` : void 0 };
          })
        } : void 0
      };
    },
    async startOver() {
      const file = statePath(session.workdir);
      const kept = path2.join(session.workdir, `state.${(/* @__PURE__ */ new Date()).toISOString().replace(/[:.]/g, "-")}.json`);
      if (existsSync(file)) renameSync(file, kept);
      state = newState(session.identity, /* @__PURE__ */ new Date());
      return kept;
    },
    async backupPreview() {
      const inventory = await loadInventory(client, BACKUP_KINDS);
      const backup = buildBackup(inventory, session.identity, /* @__PURE__ */ new Date());
      const kinds = backup.manifest.files.filter((f) => f.count > 0).map((f) => ({ name: f.name.replace(/^\d+-/, "").replace(/\.yaml$/, ""), count: f.count }));
      return { kinds, total: kinds.reduce((n, k) => n + k.count, 0) };
    },
    async backup() {
      const inventory = await loadInventory(client, BACKUP_KINDS);
      const backup = buildBackup(inventory, session.identity, /* @__PURE__ */ new Date());
      const dir = writeBackup(session.workdir, backup, notify);
      state.backup = dir;
      return { path: dir, total: backup.files.reduce((n, f) => n + f.count, 0) };
    },
    async audit() {
      auditInventoryCache = await loadInventory(client, AUDIT_KINDS);
      return auditInventory(auditInventoryCache, cluster());
    },
    async plan(namespaces) {
      auditInventoryCache ??= await loadInventory(client, AUDIT_KINDS);
      const { plan, refused } = planMigration(auditInventoryCache, cluster(), namespaces);
      lastPlan = plan;
      return { plan, refused };
    },
    async apply(namespaces, hooks) {
      if (!latestBackupFor(session.workdir, session.identity)) return { ok: false, message: `there is no backup of this cluster in ${session.workdir}: back up first` };
      for (const ns of namespaces) {
        const ops = lastPlan?.operations.filter((o) => o.namespace === ns);
        if (ops && ops.length > 0) recordPlan(state, ns, ops, /* @__PURE__ */ new Date());
      }
      await save();
      const messages = [];
      try {
        for (const ns of namespaces) {
          if (!state.namespaces[ns]) continue;
          const outcome = await migrateNamespace(state, ns, { client, now: () => /* @__PURE__ */ new Date(), sleep, persist: () => save(), report: hooks.onEvent, stopRequested: hooks.stopRequested });
          if (!outcome.verified) {
            auditInventoryCache = void 0;
            return { ok: false, message: `${ns}: ${outcome.verification.message}`, namespace: ns };
          }
          messages.push(`${ns}: ${outcome.verification.message}`);
        }
        auditInventoryCache = void 0;
        return { ok: true, message: messages.join("\n") };
      } catch (error) {
        if (error instanceof ApplyStopped) return { ok: false, message: `${error.namespace}: ${error.message}`, namespace: error.namespace };
        throw error;
      }
    },
    async revert(namespaces, hooks) {
      const skipped = [];
      try {
        for (const ns of namespaces) {
          const outcome = await revertNamespace(state, ns, {
            client,
            now: () => /* @__PURE__ */ new Date(),
            sleep,
            persist: () => save(),
            report: hooks.onEvent,
            stopRequested: hooks.stopRequested,
            onConflict: async (_record, _live, why) => hooks.onConflict(why)
          });
          skipped.push(...outcome.skipped);
        }
        auditInventoryCache = void 0;
        return { ok: skipped.length === 0, message: skipped.length ? `reverted, but ${skipped.length} object(s) were left as someone else changed them` : `reverted ${namespaces.join(", ")}`, skipped };
      } catch (error) {
        if (error instanceof ApplyStopped) return { ok: false, message: `${error.namespace}: ${error.message}`, namespace: error.namespace, skipped };
        throw error;
      }
    },
    close: () => session.close()
  };
}

// source/app/wizard-command.tsx
import { jsx as jsx15 } from "react/jsx-runtime";
async function runWizard(flags, streams = process) {
  if (!streams.stdin.isTTY || !streams.stdout.isTTY) {
    if (!flags.demo) {
      const connection = await openCluster(flags);
      try {
        await connection.client.version();
      } finally {
        await connection.close();
      }
    }
    streams.stderr.write("ambient-migrate: the wizard needs an interactive terminal; in scripts and CI use 'ambient-migrate audit', 'plan' and 'apply' (see --help)\n");
    return 2;
  }
  const services = await createWizardServices(flags, (message2) => streams.stderr.write(`ambient-migrate: ${message2}
`));
  try {
    const instance = render(/* @__PURE__ */ jsx15(Wizard, { services }), { exitOnCtrlC: false, stdin: streams.stdin, stdout: streams.stdout, stderr: streams.stderr });
    await instance.waitUntilExit();
    return 0;
  } finally {
    await services.close();
  }
}
export {
  runWizard
};
