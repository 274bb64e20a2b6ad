// Loads Pyodide from the index URL it is sent and prints one line back.
self.onmessage = async ({ data: index }) => {
  const { loadPyodide } = await import(`${index}pyodide.mjs`);
  const pyodide = await loadPyodide({
    indexURL: index,
    stdout: (line) => self.postMessage(`${line}\n`),
  });
  pyodide.runPython('print("hello from the baseline")');
};
