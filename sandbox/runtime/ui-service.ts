// SpreadsheetApp.getUi(): menus, alerts, prompts, dialogs and sidebars. Nothing is shown; every
// call is recorded in `runtime.ui` (a UiRecorder) so tests can assert on menus, dialog HTML and
// toasts, and can queue the button a person "clicks". As on the platform, getUi() throws in
// executions without a document UI (web apps, time-driven triggers), and dialogs need full
// authorization (a simple trigger may not open them).

import { GasException } from './errors';
import { requireFullAuth, type Execution } from './execution';

export interface MenuItemRecord {
  caption: string;
  functionName?: string;
  separator?: true;
  subMenu?: MenuRecord;
}

export interface MenuRecord {
  caption: string;
  items: MenuItemRecord[];
}

export interface DialogRecord {
  kind: 'modal' | 'modeless' | 'sidebar';
  title: string | null;
  html: string;
  width?: number;
  height?: number;
  executionId: string;
}

export interface AlertRecord {
  title: string | null;
  prompt: string;
  buttonSet: string;
  response: string;
  executionId: string;
}

export interface PromptRecord extends AlertRecord {
  responseText: string;
}

export interface ToastRecord {
  message: string;
  title: string;
  timeoutSeconds: number;
  executionId: string;
}

/** What a page shows, as recorded from an HtmlOutput (see html-service.ts). */
export interface HtmlRecord {
  content: string;
  title: string | null;
  width?: number;
  height?: number;
}

const BUTTONS = ['OK', 'CANCEL', 'YES', 'NO', 'CLOSE'];
const BUTTON_SETS = ['OK', 'OK_CANCEL', 'YES_NO', 'YES_NO_CANCEL'];
const SCOPE = 'https://www.googleapis.com/auth/script.container.ui';

export class UiRecorder {
  readonly menus: MenuRecord[] = [];
  readonly alerts: AlertRecord[] = [];
  readonly prompts: PromptRecord[] = [];
  readonly dialogs: DialogRecord[] = [];
  readonly toasts: ToastRecord[] = [];
  private readonly alertAnswers: string[] = [];
  private readonly promptAnswers: { text: string; button: string }[] = [];

  /** Queues the button the next alert returns (default: the first button of its set). */
  answerAlert(button: string): void {
    this.alertAnswers.push(button);
  }

  /** Queues the text and button the next prompt returns (default: '' and the first button). */
  answerPrompt(text: string, button = 'OK'): void {
    this.promptAnswers.push({ text, button });
  }

  menu(caption: string): MenuRecord | undefined {
    return this.menus.find(m => m.caption === caption);
  }

  clear(): void {
    for (const list of [this.menus, this.alerts, this.prompts, this.dialogs, this.toasts]) {
      list.length = 0;
    }
  }

  /** A menu added again (onOpen on every open) replaces the one with the same caption. */
  addMenu(menu: MenuRecord): void {
    const i = this.menus.findIndex(m => m.caption === menu.caption);
    if (i >= 0) this.menus.splice(i, 1, menu);
    else this.menus.push(menu);
  }

  nextAlertAnswer(buttonSet: string): string {
    return this.alertAnswers.shift() ?? firstButton(buttonSet);
  }

  nextPromptAnswer(buttonSet: string): { text: string; button: string } {
    return this.promptAnswers.shift() ?? { text: '', button: firstButton(buttonSet) };
  }
}

function firstButton(buttonSet: string): string {
  return buttonSet.startsWith('YES') ? 'YES' : 'OK';
}

export function createUi(exec: Execution): object {
  if (exec.kind === 'web' || exec.kind === 'time') {
    throw new GasException('Cannot call SpreadsheetApp.getUi() from this context.');
  }
  return exec.memoize('ui', () => {
    const recorder = exec.state.ui;
    const button = exec.enumType('Button', BUTTONS);
    const buttonSet = exec.enumType('ButtonSet', BUTTON_SETS);
    const dialog = (kind: DialogRecord['kind'], html: unknown, title?: unknown): void => {
      requireFullAuth(exec, `Ui.show${kind === 'sidebar' ? 'Sidebar' : 'ModalDialog'}`, SCOPE);
      const page = htmlOf(exec, html);
      recorder.dialogs.push({
        kind,
        title: title === undefined ? page.title : String(title),
        html: page.content,
        width: page.width,
        height: page.height,
        executionId: exec.id,
      });
    };
    return exec.object(
      'Ui',
      {
        createMenu: caption => menuObject(exec, { caption: String(caption), items: [] }),
        createAddonMenu: () => menuObject(exec, { caption: 'Add-ons', items: [] }),
        alert: (...args) => {
          const { title, prompt, set } = dialogArgs(args);
          const response = recorder.nextAlertAnswer(set);
          recorder.alerts.push({ title, prompt, buttonSet: set, response, executionId: exec.id });
          return button[response] ?? button.OK;
        },
        prompt: (...args) => {
          const { title, prompt, set } = dialogArgs(args);
          const answer = recorder.nextPromptAnswer(set);
          recorder.prompts.push({
            title,
            prompt,
            buttonSet: set,
            response: answer.button,
            responseText: answer.text,
            executionId: exec.id,
          });
          return exec.object('PromptResponse', {
            getResponseText: () => answer.text,
            getSelectedButton: () => button[answer.button] ?? button.OK,
          });
        },
        showModalDialog: (html, title) => dialog('modal', html, title),
        showModelessDialog: (html, title) => dialog('modeless', html, title),
        showSidebar: html => dialog('sidebar', html),
      },
      { props: { Button: button, ButtonSet: buttonSet } }
    );
  });
}

function dialogArgs(args: unknown[]): { title: string | null; prompt: string; set: string } {
  if (args.length >= 3)
    return { title: String(args[0]), prompt: String(args[1]), set: String(args[2]) };
  if (args.length === 2) return { title: null, prompt: String(args[0]), set: String(args[1]) };
  return { title: null, prompt: String(args[0] ?? ''), set: 'OK' };
}

function menuObject(exec: Execution, record: MenuRecord): object {
  const self: object = exec.object(
    'Menu',
    {
      addItem: (caption, functionName) => {
        record.items.push({ caption: String(caption), functionName: String(functionName) });
        return self;
      },
      addSeparator: () => {
        record.items.push({ caption: '', separator: true });
        return self;
      },
      addSubMenu: menu => {
        const sub = exec.hostOf<MenuRecord>(menu, 'Menu');
        if (!sub) throw new GasException('Invalid argument: menu');
        record.items.push({ caption: sub.caption, subMenu: sub });
        return self;
      },
      addToUi: () => {
        exec.state.ui.addMenu(record);
      },
    },
    { host: record }
  );
  return self;
}

function htmlOf(exec: Execution, value: unknown): HtmlRecord {
  const page = exec.hostOf<HtmlRecord>(value, 'HtmlOutput');
  if (page) return page;
  if (typeof value === 'string') return { content: value, title: null };
  throw new GasException('Invalid argument: userInterface');
}
