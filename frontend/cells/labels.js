// The cells' words in the page's language (<html lang>, set per page by the theme).

const LABELS = {
  en: {
    run: "Run",
    stop: "Stop",
    reset: "Reset",
    retry: "Retry",
    runTitle: "Run ({key})",
    editor: "Python code (editable; {key} runs it)",
    copy: "Copy",
    copied: "Copied the code.",
    download: "Download",
    share: "Share",
    shared: "Copied a link that opens this example with this code: {url}",
    sharedHere: "This example holds code from a shared link. Reset brings the original back.",
    badShare:
      "The shared link's code could not be read (the link is damaged or cut short); this is the original example.",
    kept: "Your edits from this session are back. Reset brings the original back.",
    clipboardFailed: "The browser refused the clipboard; select the code and copy it instead.",
    permalink: "Link to this example",
    keyboard: "Keyboard",
    keys: "{key} runs the code. Tab moves from the editor to the buttons; Shift+Tab back. {undo} undoes an edit.",
    progress: "Loading Python: {done} of {total} MB",
    restored: "Python was restored from this browser's cache.",
    output: "Program output",
    loading: "Loading Python…",
    step: {
      runtime: "Loading Python: the runtime (1/3)…",
      python: "Loading Python: the standard library (2/3)…",
      cellrun: "Loading Python: the cell runner (3/3)…",
    },
    running: "Running…",
    done: "Finished in {t} s.",
    error: "Finished with {exc} after {t} s.",
    exit: "Exited with code {code} after {t} s.",
    stopped: "Stopped after {t} s.",
    restarted: "Stopped after {t} s (Python was restarted to end a loop that did not yield).",
    dropped: "Output truncated: {lines} more lines ({bytes} characters) were not shown.",
    clock: "Virtual clock (sleeps take no time)",
    loadFailed: "Python could not be loaded: {reason}. Check your connection and press Retry.",
    runFailed: "The Python runtime failed: {reason}. Press Retry to start it again.",
    noJspi:
      "This browser lacks WebAssembly JSPI, so Python's waits hold its worker: the code ran unmodified, and Stop restarts Python.",
    noWasm: "This browser cannot run WebAssembly, which Python in the page needs.",
    input: "input() has no keyboard here: set the value in the code instead.",
    virtual: " (virtual clock)",
    timeline: {
      liveSummary: "Timeline (this run)",
      live: "Timeline of this run",
      liveTitle: "Timeline of this run: {n} tasks so far, {total}",
      seconds: "{t} s",
      timeout: "timeout",
      outcomes: {
        done: "done",
        failed: "failed",
        cancelled: "cancelled",
        pending: "still pending",
        running: "running",
      },
    },
  },
  zh: {
    run: "运行",
    stop: "停止",
    reset: "重置",
    retry: "重试",
    runTitle: "运行（{key}）",
    editor: "Python 代码（可编辑；按 {key} 运行）",
    copy: "复制",
    copied: "代码已复制。",
    download: "下载",
    share: "分享",
    shared: "已复制链接，打开它会看到这个示例和这段代码：{url}",
    sharedHere: "这个示例里是分享链接带来的代码。点击“重置”可恢复原来的代码。",
    badShare: "无法读取分享链接里的代码（链接已损坏或不完整），这里显示的是原来的示例。",
    kept: "已恢复你在本次会话中的修改。点击“重置”可恢复原来的代码。",
    clipboardFailed: "浏览器拒绝访问剪贴板，请选中代码后手动复制。",
    permalink: "链接到此示例",
    keyboard: "键盘操作",
    keys: "按 {key} 运行代码。按 Tab 从编辑器移到按钮，Shift+Tab 返回。按 {undo} 撤销修改。",
    progress: "正在加载 Python：{done} / {total} MB",
    restored: "Python 已从本浏览器的缓存中恢复。",
    output: "程序输出",
    loading: "正在加载 Python……",
    step: {
      runtime: "正在加载 Python：运行时（1/3）……",
      python: "正在加载 Python：标准库（2/3）……",
      cellrun: "正在加载 Python：示例运行器（3/3）……",
    },
    running: "运行中……",
    done: "运行完毕，用时 {t} 秒。",
    error: "以异常 {exc} 结束，用时 {t} 秒。",
    exit: "以退出码 {code} 结束，用时 {t} 秒。",
    stopped: "已停止，用时 {t} 秒。",
    restarted: "已停止，用时 {t} 秒（代码一直没有让出控制权，因此重新启动了 Python）。",
    dropped: "输出过多，已截断（truncated）：另有 {lines} 行（{bytes} 个字符）未显示。",
    clock: "虚拟时钟（sleep 不占用真实时间）",
    loadFailed: "无法加载 Python：{reason}。请检查网络后点击“重试”。",
    runFailed: "Python 运行时出错：{reason}。点击“重试”重新启动。",
    noJspi:
      "此浏览器不支持 WebAssembly JSPI，Python 等待时会占住它所在的 worker：代码照原样运行，点击“停止”会重新启动 Python。",
    noWasm: "此浏览器无法运行 WebAssembly，而页面中的 Python 需要它。",
    input: "这里没有键盘输入，input() 读不到内容：请直接在代码里给变量赋值。",
    virtual: "（虚拟时钟）",
    timeline: {
      liveSummary: "时间线（本次运行）",
      live: "本次运行的时间线",
      liveTitle: "本次运行的时间线：目前 {n} 个任务，已过 {total}",
      seconds: "{t} 秒",
      timeout: "超时",
      outcomes: {
        done: "已完成",
        failed: "失败",
        cancelled: "已取消",
        pending: "未完成",
        running: "运行中",
      },
    },
  },
};

/** The page's language among those the cells speak ("en" or "zh"). */
export function language(lang = document.documentElement.lang) {
  const code = (lang || "en").toLowerCase().split("-")[0];
  return code in LABELS ? code : "en";
}

export function labels(lang) {
  return LABELS[language(lang)];
}

// macOS and iOS readers press ⌘ where others press Ctrl (CodeMirror's "Mod" does the same).
const apple = /Mac|iPhone|iPad|iPod/.test(
  navigator.userAgentData?.platform ?? navigator.platform ?? "",
);

/** The platform's names of the cells' shortcuts: {key: "Ctrl+Enter" or "⌘+Enter", undo}. */
export function shortcuts() {
  return apple ? { key: "⌘+Enter", undo: "⌘+Z" } : { key: "Ctrl+Enter", undo: "Ctrl+Z" };
}

export function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}
