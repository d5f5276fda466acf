// The bpmnlint configuration plugin:camunda-compat/camunda-cloud-8-8 packed for the browser.
// bpmn-js-bpmnlint needs every rule as a module (a bundler plugin would generate this list); the
// list is the rules that configuration names in bpmnlint-plugin-camunda-compat 2.61.0, pinned in
// BpmnModeler.java: regenerate it when that version changes.
import compat from 'bpmnlint-plugin-camunda-compat';
import r0 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/implementation';
import r1 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/called-element';
import r2 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/duplicate-task-headers';
import r3 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/element-type';
import r4 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/error-reference';
import r5 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/event-based-gateway-target';
import r6 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/executable-process';
import r7 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/loop-characteristics';
import r8 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/message-reference';
import r9 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/io-mapping';
import r10 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-business-id';
import r11 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-cancel-execution-listener';
import r12 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-execution-listener-headers';
import r13 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-expression';
import r14 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-job-priority-definition';
import r15 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-loop';
import r16 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-multiple-none-start-events';
import r17 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/sequence-flow-condition';
import r18 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/start-event-form';
import r19 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/subscription';
import r20 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/timer';
import r21 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/user-task-definition';
import r22 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/user-task-form';
import r23 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/variable-name';
import r24 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/feel';
import r25 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/feel-compatibility';
import r26 from 'bpmnlint/rules/start-event-required';
import r27 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/connector-properties';
import r28 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/escalation-boundary-event-attached-to-ref';
import r29 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/escalation-reference';
import r30 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/link-event';
import r31 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/task-schedule';
import r32 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/secrets';
import r33 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/signal-reference';
import r34 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/wait-for-completion';
import r35 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/duplicate-execution-listeners';
import r36 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/execution-listener';
import r37 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-before-all-execution-listener';
import r38 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/priority-definition';
import r39 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/version-tag';
import r40 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/zeebe-user-task';
import r41 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/ad-hoc-sub-process';
import r42 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/no-interrupting-event-subprocess';
import r43 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/agent-tool-documentation';
import r44 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/agent-tool-output-key';
import r45 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/agent-fromai-contract';
import r46 from 'bpmnlint-plugin-camunda-compat/rules/camunda-cloud/task-listener';

const rules = {
  'implementation': r0,
  'called-element': r1,
  'duplicate-task-headers': r2,
  'element-type': r3,
  'error-reference': r4,
  'event-based-gateway-target': r5,
  'executable-process': r6,
  'loop-characteristics': r7,
  'message-reference': r8,
  'io-mapping': r9,
  'no-business-id': r10,
  'no-cancel-execution-listener': r11,
  'no-execution-listener-headers': r12,
  'no-expression': r13,
  'no-job-priority-definition': r14,
  'no-loop': r15,
  'no-multiple-none-start-events': r16,
  'sequence-flow-condition': r17,
  'start-event-form': r18,
  'subscription': r19,
  'timer': r20,
  'user-task-definition': r21,
  'user-task-form': r22,
  'variable-name': r23,
  'feel': r24,
  'feel-compatibility': r25,
  'bpmnlint/start-event-required': r26,
  'connector-properties': r27,
  'escalation-boundary-event-attached-to-ref': r28,
  'escalation-reference': r29,
  'link-event': r30,
  'task-schedule': r31,
  'secrets': r32,
  'signal-reference': r33,
  'wait-for-completion': r34,
  'duplicate-execution-listeners': r35,
  'execution-listener': r36,
  'no-before-all-execution-listener': r37,
  'priority-definition': r38,
  'version-tag': r39,
  'zeebe-user-task': r40,
  'ad-hoc-sub-process': r41,
  'no-interrupting-event-subprocess': r42,
  'agent-tool-documentation': r43,
  'agent-tool-output-key': r44,
  'agent-fromai-contract': r45,
  'task-listener': r46,
};

export default {
  config: { extends: 'plugin:camunda-compat/camunda-cloud-8-8' },
  resolver: {
    resolveRule(pkg, ruleName) {
      return rules[pkg === 'bpmnlint' ? 'bpmnlint/' + ruleName : ruleName];
    },
    resolveConfig(pkg, configName) {
      return pkg === 'bpmnlint-plugin-camunda-compat' ? compat.configs[configName] : undefined;
    }
  }
};
