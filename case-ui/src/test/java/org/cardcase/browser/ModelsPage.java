package org.cardcase.browser;

/** The process library: each process with the engine's version and open cases, its forms, and the model check. */
public class ModelsPage extends BrowserPage {
  ModelsPage(BrowserPage from) {
    super(from);
  }

  /** Waits for the model check's upload and this process in the library. */
  public ModelsPage waitForProcess(String processId) {
    waitFor("models-check-upload");
    waitForPageContaining(processId);
    return this;
  }

  /** Starts a draft of a task's form in the form editor. */
  public DraftPage draftForm(String formKey) {
    click("models-form-draft-" + formKey);
    DraftPage draft = new DraftPage(this);
    draft.waitForFormEditor();
    return draft;
  }
}
