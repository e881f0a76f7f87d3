// declarative-check.groovy JENKINSFILE: parses a Jenkinsfile with Groovy's own parser and checks it
// against the declarative pipeline's grammar (the sections and directives of jenkins.io's
// "Pipeline Syntax" reference: which may appear where, which are required, stage contents, post
// conditions, when conditions, matrix axes). Jenkins' own validator (pipeline-model-definition) is
// not on Maven Central; this covers its structural rules, not step names or plugin arguments.
// Prints the pipeline's shape as JSON on success (exit 0); each problem with its line (exit 1).
import org.codehaus.groovy.ast.ASTNode
import org.codehaus.groovy.ast.CodeVisitorSupport
import org.codehaus.groovy.ast.expr.*
import org.codehaus.groovy.ast.stmt.*
import org.codehaus.groovy.control.*

if (args.length != 1) { System.err.println('usage: declarative-check.groovy JENKINSFILE'); System.exit(2) }
def file = new File(args[0])
def unit = new CompilationUnit()
unit.addSource(file.name, file.text)
try {
  unit.compile(Phases.CONVERSION)
} catch (CompilationFailedException e) {
  System.err.println("${file}: not valid Groovy: ${e.message}")
  System.exit(1)
}

problems = []
def problem(ASTNode node, String text) { problems << "${args[0]}:${node.lineNumber}: ${text}" }

// The calls of a closure's body, in order; anything else in a declarative section is an error.
def calls(ClosureExpression closure, String where) {
  def statements = closure.code instanceof BlockStatement ? closure.code.statements : [closure.code]
  statements.findResults { s ->
    if (s instanceof ExpressionStatement && s.expression instanceof MethodCallExpression) return s.expression
    problem(s, "only directives may appear in ${where}, found: ${s.text}")
    null
  }
}
def argsOf(MethodCallExpression call) {
  call.arguments instanceof TupleExpression ? call.arguments.expressions : [call.arguments]
}
def closureOf(MethodCallExpression call) {
  def last = argsOf(call) ? argsOf(call).last() : null
  last instanceof ClosureExpression ? last : null
}
def needClosure(MethodCallExpression call, String what) {
  def closure = closureOf(call)
  if (closure == null) problem(call, "${what} needs a block { ... }")
  closure
}
def sections(MethodCallExpression call, String what, Set allowed, Set required) {
  def closure = needClosure(call, what)
  if (closure == null) return [:]
  def found = [:]
  calls(closure, what).each { c ->
    def name = c.methodAsString
    if (!(name in allowed)) problem(c, "${what} may not contain '${name}' (allowed: ${allowed.sort().join(', ')})")
    else if (found.containsKey(name)) problem(c, "${what} has '${name}' twice")
    else found[name] = c
  }
  required.each { r -> if (!found.containsKey(r)) problem(call, "${what} needs '${r}'") }
  found
}

POST = ['always', 'changed', 'fixed', 'regression', 'aborted', 'failure', 'success', 'unstable',
        'unsuccessful', 'cleanup'] as Set
WHEN = ['branch', 'buildingTag', 'changelog', 'changeset', 'changeRequest', 'environment', 'equals',
        'expression', 'tag', 'not', 'allOf', 'anyOf', 'triggeredBy', 'beforeAgent', 'beforeInput',
        'beforeOptions'] as Set
AGENTS = ['label', 'node', 'docker', 'dockerfile', 'kubernetes', 'any', 'none'] as Set
STAGE_CONTENT = ['steps', 'stages', 'parallel', 'matrix'] as Set
STAGE = ['agent', 'environment', 'options', 'when', 'input', 'tools', 'post', 'failFast'] as Set
MATRIX = ['axes', 'excludes', 'agent', 'environment', 'options', 'when', 'input', 'tools', 'post', 'stages'] as Set

def agent(MethodCallExpression call) {
  def a = argsOf(call)
  if (a.size() == 1 && a[0] instanceof VariableExpression) {
    if (!(a[0].name in ['any', 'none'])) problem(call, "agent ${a[0].name}: use agent any, agent none or agent { label '...' }")
    return a[0].name
  }
  def closure = needClosure(call, 'agent')
  if (closure == null) return null
  def kinds = calls(closure, 'agent')
  if (kinds.size() != 1) problem(call, 'agent { } names exactly one kind (label, docker, node, ...)')
  kinds.each { k -> if (!(k.methodAsString in AGENTS)) problem(k, "unknown agent kind '${k.methodAsString}'") }
  kinds ? "${kinds[0].methodAsString} ${argsOf(kinds[0])*.text.join(', ')}" : null
}

def environment(MethodCallExpression call) {
  def closure = needClosure(call, 'environment')
  if (closure == null) return [:]
  def statements = closure.code instanceof BlockStatement ? closure.code.statements : [closure.code]
  statements.collectEntries { s ->
    def e = s instanceof ExpressionStatement ? s.expression : null
    if (e instanceof BinaryExpression && e.operation.text == '=' && e.leftExpression instanceof VariableExpression)
      return [(e.leftExpression.name): e.rightExpression.text]
    problem(s, "environment takes NAME = value lines only, found: ${s.text}")
    [:]
  }
}

def when(MethodCallExpression call) {
  def closure = needClosure(call, 'when')
  if (closure == null) return
  calls(closure, 'when').each { c ->
    if (!(c.methodAsString in WHEN)) problem(c, "unknown when condition '${c.methodAsString}'")
  }
}

def post(MethodCallExpression call) {
  def closure = needClosure(call, 'post')
  if (closure == null) return []
  calls(closure, 'post').collect { c ->
    if (!(c.methodAsString in POST)) problem(c, "unknown post condition '${c.methodAsString}' (allowed: ${POST.sort().join(', ')})")
    steps(c, "post ${c.methodAsString}")
    c.methodAsString
  }
}

// Steps: any step call; sh/bat scripts are collected for the shape.
def steps(MethodCallExpression call, String where) {
  def closure = needClosure(call, where)
  if (closure == null) return []
  def found = []
  closure.code.visit(new CodeVisitorSupport() {
    void visitMethodCallExpression(MethodCallExpression c) {
      if (c.methodAsString in ['sh', 'bat', 'powershell']) {
        def a = argsOf(c)
        found << [step: c.methodAsString, script: a ? a[0].text : '']
      } else if (c.methodAsString != null && c.methodAsString != 'script') {
        found << [step: c.methodAsString]
      }
      super.visitMethodCallExpression(c)
    }
  })
  if (found.isEmpty()) problem(call, "${where} has no steps")
  found
}

def stages(MethodCallExpression call, String where) {
  def closure = needClosure(call, 'stages')
  if (closure == null) return []
  def names = [] as Set
  def list = calls(closure, "${where} stages").collect { c ->
    if (c.methodAsString != 'stage') { problem(c, "stages may contain only stage('name') { ... }, found '${c.methodAsString}'"); return null }
    def a = argsOf(c)
    if (a.size() != 2 || !(a[0] instanceof ConstantExpression) || !(a[0].value instanceof String)) {
      problem(c, "stage needs a name string and a block: stage('name') { ... }")
      return null
    }
    if (!names.add(a[0].value)) problem(c, "two stages named '${a[0].value}' in ${where}")
    stage(c, a[0].value)
  }.findAll()
  if (list.isEmpty()) problem(call, "${where} has no stage")
  list
}

def stage(MethodCallExpression call, String name) {
  def found = sections(call, "stage '${name}'", STAGE + STAGE_CONTENT, [] as Set)
  def content = found.keySet().intersect(STAGE_CONTENT)
  if (content.size() != 1) problem(call, "stage '${name}' needs exactly one of steps, stages, parallel or matrix")
  def shape = [name: name]
  if (found.agent) shape.agent = agent(found.agent)
  if (found.environment) shape.environment = environment(found.environment)
  if (found.when) { when(found.when); shape.when = true }
  if (found.post) shape.post = post(found.post)
  if (found.steps) shape.steps = steps(found.steps, "stage '${name}' steps")
  if (found.stages) shape.stages = stages(found.stages, "stage '${name}'")
  if (found.parallel) shape.parallel = stages(found.parallel, "stage '${name}' parallel")
  if (found.matrix) shape.matrix = matrix(found.matrix, name)
  shape
}

def matrix(MethodCallExpression call, String name) {
  def found = sections(call, "matrix of '${name}'", MATRIX, ['axes', 'stages'] as Set)
  def shape = [:]
  if (found.axes) {
    def closure = needClosure(found.axes, 'axes')
    shape.axes = closure == null ? [:] : calls(closure, 'axes').collectEntries { axis ->
      if (axis.methodAsString != 'axis') { problem(axis, "axes may contain only axis { name '...'; values ... }"); return [:] }
      def parts = sections(axis, 'axis', ['name', 'values'] as Set, ['name', 'values'] as Set)
      if (!parts.name || !parts.values) return [:]
      [(argsOf(parts.name)[0].text): argsOf(parts.values)*.text]
    }
    if (!shape.axes) problem(found.axes, 'a matrix needs at least one axis')
  }
  if (found.agent) shape.agent = agent(found.agent)
  if (found.environment) shape.environment = environment(found.environment)
  if (found.when) when(found.when)
  if (found.post) shape.post = post(found.post)
  if (found.stages) shape.stages = stages(found.stages, "matrix of '${name}'")
  shape
}

def top = unit.AST.modules[0].statementBlock.statements
def pipelines = top.findAll { it instanceof ExpressionStatement && it.expression instanceof MethodCallExpression && it.expression.methodAsString == 'pipeline' }
if (pipelines.size() != 1) {
  System.err.println("${args[0]}: a declarative Jenkinsfile has exactly one pipeline { } block, found ${pipelines.size()}")
  System.exit(1)
}
def pipeline = pipelines[0].expression
def found = sections(pipeline, 'pipeline',
  ['agent', 'stages', 'options', 'parameters', 'environment', 'triggers', 'tools', 'post', 'libraries'] as Set,
  ['agent', 'stages'] as Set)
def shape = [:]
if (found.agent) shape.agent = agent(found.agent)
if (found.environment) shape.environment = environment(found.environment)
if (found.parameters) shape.parameters = calls(needClosure(found.parameters, 'parameters'), 'parameters')*.methodAsString
if (found.options) shape.options = calls(needClosure(found.options, 'options'), 'options')*.methodAsString
if (found.post) shape.post = post(found.post)
if (found.stages) shape.stages = stages(found.stages, 'pipeline')

if (problems) {
  problems.each { System.err.println(it) }
  System.exit(1)
}
// JSON by hand: groovy-json is a second artifact, and the shape holds maps, lists, strings, booleans.
def json(value) {
  if (value instanceof Map) return '{' + value.collect { k, v -> json(k.toString()) + ':' + json(v) }.join(',') + '}'
  if (value instanceof Collection) return '[' + value.collect { json(it) }.join(',') + ']'
  if (value instanceof Boolean || value instanceof Number) return value.toString()
  if (value == null) return 'null'
  def escaped = value.toString().collect { ch ->
    ch == '"' ? '\\"' : ch == '\\' ? '\\\\' : (ch as char) < 0x20 ? String.format('\\u%04x', (int) (ch as char)) : ch
  }.join()
  '"' + escaped + '"'
}
println json(shape)
